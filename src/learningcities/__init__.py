"""learningcities: a self-hostable platform for a global network of learning cities."""

__version__ = "0.1.0"
