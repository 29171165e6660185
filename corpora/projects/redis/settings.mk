# Added to src/Makefile by the recipe's configure step (make -f Makefile -f settings.mk): prints
# src/.make-settings as src/Makefile would find it after its own build of the deps, so that the
# build step's make neither cleans nor configures the deps again (it does when the settings it
# finds differ from its own: src/Makefile's persist-settings).
.PHONY: oracle-settings
oracle-settings:
	$(info PREV_FINAL_CFLAGS=$(FINAL_CFLAGS))
	$(info PREV_FINAL_LDFLAGS=$(FINAL_LDFLAGS))
	@:
