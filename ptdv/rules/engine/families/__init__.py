"""The rules of the engine, one module per family; ``ptdv.rules.engine.table`` orders them."""
