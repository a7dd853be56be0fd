"""The CRM's view of the firm: Accounts, Contacts and Opportunities in Salesforce's shape.

Record ids are the firm's own CRM ids (18-character, valid checksums), so every other
system's external ids point at real CRM records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.data import Firm
from harness.data._model import BillingModel, OpportunityStage

STAGES: dict[OpportunityStage, str] = {
    OpportunityStage.PROSPECTING: "Prospecting",
    OpportunityStage.QUALIFICATION: "Qualification",
    OpportunityStage.NEEDS_ANALYSIS: "Needs Analysis",
    OpportunityStage.PROPOSAL: "Proposal/Price Quote",
    OpportunityStage.NEGOTIATION: "Negotiation/Review",
    OpportunityStage.CLOSED_WON: "Closed Won",
    OpportunityStage.CLOSED_LOST: "Closed Lost",
}

BILLING_MODELS: dict[BillingModel, str] = {
    BillingModel.TIME_AND_MATERIALS: "Time and Materials",
    BillingModel.FIXED_FEE: "Fixed Fee",
    BillingModel.MILESTONE: "Milestone",
    BillingModel.RETAINER: "Retainer",
}


def salesforce_batches(firm: Firm) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(sObject type, records) in load order: parents before children."""
    accounts = firm.accounts
    by_account = {a.id: a for a in accounts}
    yield (
        "Account",
        [
            {
                "Id": a.crm_id,
                "Name": a.name,
                "Type": "Customer - Direct",
                "Industry": a.industry,
                "Website": a.website,
                "BillingStreet": a.street,
                "BillingCity": a.city,
                "BillingCountry": a.country,
                "NumberOfEmployees": a.employees,
                "AnnualRevenue": float(a.annual_revenue_usd),
                "External_Id__c": a.id,
            }
            for a in accounts
        ],
    )
    yield (
        "Contact",
        [
            {
                "Id": c.crm_id,
                "AccountId": by_account[c.account_id].crm_id,
                "FirstName": c.first_name,
                "LastName": c.last_name,
                "Title": c.title,
                "Email": c.email,
                "Phone": c.phone,
                "External_Id__c": c.id,
            }
            for c in firm.contacts
        ],
    )
    projects = {p.opportunity_id: p for p in firm.projects}
    opps = []
    for o in firm.opportunities:
        project = projects.get(o.id)
        opps.append(
            {
                "Id": o.crm_id,
                "AccountId": by_account[o.account_id].crm_id,
                "Name": o.name,
                "StageName": STAGES[o.stage],
                "Probability": float(o.probability),
                "CloseDate": o.close_date.isoformat(),
                "Amount": o.amount_minor / 100.0,
                "Billing_Model__c": BILLING_MODELS[o.billing_model],
                "External_Id__c": o.id,
                "PSA_Project_Id__c": project.psa_id if project else None,
                "ERP_Project_Id__c": project.erp_id if project else None,
            }
        )
    yield "Opportunity", opps
