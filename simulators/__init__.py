"""Stateful simulators of the SaaS systems a professional-services firm integrates.

One shared engine (``simulators.engine``) and one dialect per vendor: ``salesforce``
(CRM), ``netsuite`` (ERP), ``kantata`` (PSA) and ``workday`` (HCM).
"""
