"""The guards: each one catches a way small models break, in one function in one module.

`switches.Guards` turns each on or off (the benchmark's ablations); every executor calls the
same functions, so docs/ARCHITECTURE.md's guard table maps one-to-one onto this package.
"""
