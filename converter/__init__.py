"""juesuan: Chinese government final-accounts disclosures (部门决算公开) as validated Frictionless data packages."""

__version__ = "0.1.0"
