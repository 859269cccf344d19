"""Accounting-identity checks: a registry of rules, each yielding findings as data."""

from converter.checks.core import RULES, Rule
from converter.checks.runner import run_checks

__all__ = ["RULES", "Rule", "run_checks"]
