"""virtlab's tests, laid out like the package: core/ (compute/, storage/), course/, ui/; the
command line and the whole-package checks at the top."""
