"""ps-integration-harness: prove that an integration stack still turns a won deal into a
staffed project and a correct invoice, against faithful CRM, ERP, PSA and HCM simulators."""

from ._errors import ConfigurationError, HarnessError, StackError

__all__ = ["ConfigurationError", "HarnessError", "StackError"]
__version__ = "0.1.0"
