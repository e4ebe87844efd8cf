"""The screenplay grammar, shipped inside the wheel as ``screenplay_compiler.grammar``."""
