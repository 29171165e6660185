"""Real projects as suites: recipes, their sources, building them with a compiler wrapper that
records every translation unit, and mixed-compilation bisection (which TUs the candidate got wrong)."""
