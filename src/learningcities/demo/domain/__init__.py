"""The generators: every write goes through the domain functions of the apps below."""
