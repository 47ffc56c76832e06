from .frameworks import Area, Criterion, Framework, Indicator, Section

__all__ = ["Area", "Criterion", "Framework", "Indicator", "Section"]
