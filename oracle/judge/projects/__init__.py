"""The project kind's steps: builds through the compiler wrapper, running a recipe's tests, bisection over TUs."""
