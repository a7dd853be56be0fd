"""The served part of Business Central's API v2.0 entity model (namespace Microsoft.NAV).

Property names, EDM types, nullability and maximum lengths follow the v2.0 ``$metadata``
of a Business Central environment (a test holds them against the recorded document).
What is read-only, how entity sets nest under a company and which navigation
properties ``$expand`` follows are stated here beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class P:
    """One structural property: name, EDM type, nullability, maximum length."""

    name: str
    type: str
    nullable: bool = True
    max_length: int | None = None


#: entity type -> its properties, in the order $metadata lists them
PROPERTIES: dict[str, tuple[P, ...]] = {
    "company": (
        P("id", "Edm.Guid", nullable=False),
        P("systemVersion", "Edm.String"),
        P("timestamp", "Edm.Int64"),
        P("name", "Edm.String", max_length=30),
        P("displayName", "Edm.String", max_length=250),
        P("businessProfileId", "Edm.String", max_length=250),
        P("systemCreatedAt", "Edm.DateTimeOffset"),
        P("systemCreatedBy", "Edm.Guid"),
        P("systemModifiedAt", "Edm.DateTimeOffset"),
        P("systemModifiedBy", "Edm.Guid"),
    ),
    "companyInformation": (
        P("id", "Edm.Guid", nullable=False),
        P("displayName", "Edm.String", max_length=100),
        P("addressLine1", "Edm.String", max_length=100),
        P("addressLine2", "Edm.String", max_length=50),
        P("city", "Edm.String", max_length=30),
        P("state", "Edm.String", max_length=30),
        P("country", "Edm.String", max_length=10),
        P("postalCode", "Edm.String", max_length=20),
        P("phoneNumber", "Edm.String", max_length=30),
        P("faxNumber", "Edm.String", max_length=30),
        P("email", "Edm.String", max_length=80),
        P("website", "Edm.String", max_length=80),
        P("taxRegistrationNumber", "Edm.String"),
        P("currencyCode", "Edm.String"),
        P("currentFiscalYearStartDate", "Edm.Date"),
        P("industry", "Edm.String", max_length=30),
        P("picture", "Edm.Stream"),
        P("experience", "Edm.String"),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "salesCreditMemo": (
        P("id", "Edm.Guid", nullable=False),
        P("number", "Edm.String", max_length=20),
        P("externalDocumentNumber", "Edm.String", max_length=35),
        P("creditMemoDate", "Edm.Date"),
        P("postingDate", "Edm.Date"),
        P("dueDate", "Edm.Date"),
        P("customerId", "Edm.Guid"),
        P("customerNumber", "Edm.String", nullable=False, max_length=20),
        P("customerName", "Edm.String", max_length=100),
        P("billToName", "Edm.String", max_length=100),
        P("billToCustomerId", "Edm.Guid"),
        P("billToCustomerNumber", "Edm.String", nullable=False, max_length=20),
        P("sellToAddressLine1", "Edm.String", max_length=100),
        P("sellToAddressLine2", "Edm.String", max_length=50),
        P("sellToCity", "Edm.String", max_length=30),
        P("sellToCountry", "Edm.String", max_length=10),
        P("sellToState", "Edm.String", max_length=30),
        P("sellToPostCode", "Edm.String", max_length=20),
        P("billToAddressLine1", "Edm.String", max_length=100),
        P("billToAddressLine2", "Edm.String", max_length=50),
        P("billToCity", "Edm.String", max_length=30),
        P("billToCountry", "Edm.String", max_length=10),
        P("billToState", "Edm.String", max_length=30),
        P("billToPostCode", "Edm.String", max_length=20),
        P("shortcutDimension1Code", "Edm.String", max_length=20),
        P("shortcutDimension2Code", "Edm.String", max_length=20),
        P("currencyId", "Edm.Guid"),
        P("currencyCode", "Edm.String"),
        P("paymentTermsId", "Edm.Guid"),
        P("shipmentMethodId", "Edm.Guid"),
        P("salesperson", "Edm.String", max_length=20),
        P("pricesIncludeTax", "Edm.Boolean"),
        P("discountAmount", "Edm.Decimal"),
        P("discountAppliedBeforeTax", "Edm.Boolean"),
        P("totalAmountExcludingTax", "Edm.Decimal"),
        P("totalTaxAmount", "Edm.Decimal"),
        P("totalAmountIncludingTax", "Edm.Decimal"),
        P("status", "NAV.salesCrMemoEntityBufferStatus"),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
        P("invoiceId", "Edm.Guid"),
        P("invoiceNumber", "Edm.String", max_length=20),
        P("phoneNumber", "Edm.String", max_length=30),
        P("email", "Edm.String", max_length=80),
        P("customerReturnReasonId", "Edm.Guid"),
    ),
    "salesCreditMemoLine": (
        P("id", "Edm.Guid", nullable=False),
        P("documentId", "Edm.Guid"),
        P("sequence", "Edm.Int32"),
        P("itemId", "Edm.Guid"),
        P("accountId", "Edm.Guid"),
        P("lineType", "NAV.invoiceLineAggLineType"),
        P("lineObjectNumber", "Edm.String", max_length=20),
        P("description", "Edm.String", max_length=100),
        P("description2", "Edm.String", max_length=50),
        P("unitOfMeasureId", "Edm.Guid"),
        P("unitOfMeasureCode", "Edm.String", max_length=10),
        P("unitPrice", "Edm.Decimal"),
        P("quantity", "Edm.Decimal"),
        P("discountAmount", "Edm.Decimal"),
        P("discountPercent", "Edm.Decimal"),
        P("discountAppliedBeforeTax", "Edm.Boolean"),
        P("amountExcludingTax", "Edm.Decimal"),
        P("taxCode", "Edm.String", max_length=50),
        P("taxPercent", "Edm.Decimal"),
        P("totalTaxAmount", "Edm.Decimal"),
        P("amountIncludingTax", "Edm.Decimal"),
        P("invoiceDiscountAllocation", "Edm.Decimal"),
        P("netAmount", "Edm.Decimal"),
        P("netTaxAmount", "Edm.Decimal"),
        P("netAmountIncludingTax", "Edm.Decimal"),
        P("shipmentDate", "Edm.Date"),
        P("itemVariantId", "Edm.Guid"),
        P("locationId", "Edm.Guid"),
    ),
    "subscriptions": (
        P("subscriptionId", "Edm.String", nullable=False, max_length=150),
        P("notificationUrl", "Edm.String", nullable=False),
        P("resource", "Edm.String", nullable=False),
        P("timestamp", "Edm.Int64"),
        P("userId", "Edm.Guid"),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
        P("clientState", "Edm.String", max_length=2048),
        P("expirationDateTime", "Edm.DateTimeOffset"),
        P("systemCreatedAt", "Edm.DateTimeOffset"),
        P("systemCreatedBy", "Edm.Guid"),
        P("systemModifiedAt", "Edm.DateTimeOffset"),
        P("systemModifiedBy", "Edm.Guid"),
    ),
    "item": (
        P("id", "Edm.Guid", nullable=False),
        P("number", "Edm.String", max_length=20),
        P("displayName", "Edm.String", max_length=100),
        P("displayName2", "Edm.String", max_length=50),
        P("type", "NAV.itemType"),
        P("itemCategoryId", "Edm.Guid"),
        P("itemCategoryCode", "Edm.String", max_length=20),
        P("blocked", "Edm.Boolean"),
        P("gtin", "Edm.String", max_length=14),
        P("inventory", "Edm.Decimal"),
        P("unitPrice", "Edm.Decimal"),
        P("priceIncludesTax", "Edm.Boolean"),
        P("unitCost", "Edm.Decimal"),
        P("taxGroupId", "Edm.Guid"),
        P("taxGroupCode", "Edm.String", max_length=20),
        P("baseUnitOfMeasureId", "Edm.Guid"),
        P("baseUnitOfMeasureCode", "Edm.String", max_length=10),
        P("generalProductPostingGroupId", "Edm.Guid"),
        P("generalProductPostingGroupCode", "Edm.String", max_length=20),
        P("inventoryPostingGroupId", "Edm.Guid"),
        P("inventoryPostingGroupCode", "Edm.String", max_length=20),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "customer": (
        P("id", "Edm.Guid", nullable=False),
        P("number", "Edm.String", max_length=20),
        P("displayName", "Edm.String", nullable=False, max_length=100),
        P("type", "NAV.contactType"),
        P("addressLine1", "Edm.String", max_length=100),
        P("addressLine2", "Edm.String", max_length=50),
        P("city", "Edm.String", max_length=30),
        P("state", "Edm.String", max_length=30),
        P("country", "Edm.String", max_length=10),
        P("postalCode", "Edm.String", max_length=20),
        P("phoneNumber", "Edm.String", max_length=30),
        P("email", "Edm.String", max_length=80),
        P("website", "Edm.String", max_length=80),
        P("salespersonCode", "Edm.String", max_length=20),
        P("balanceDue", "Edm.Decimal"),
        P("creditLimit", "Edm.Decimal"),
        P("taxLiable", "Edm.Boolean"),
        P("taxAreaId", "Edm.Guid"),
        P("taxAreaDisplayName", "Edm.String"),
        P("taxRegistrationNumber", "Edm.String"),
        P("currencyId", "Edm.Guid"),
        P("currencyCode", "Edm.String"),
        P("paymentTermsId", "Edm.Guid"),
        P("shipmentMethodId", "Edm.Guid"),
        P("paymentMethodId", "Edm.Guid"),
        P("blocked", "NAV.customerBlocked"),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "salesInvoice": (
        P("id", "Edm.Guid", nullable=False),
        P("number", "Edm.String", max_length=20),
        P("externalDocumentNumber", "Edm.String", max_length=35),
        P("invoiceDate", "Edm.Date"),
        P("postingDate", "Edm.Date"),
        P("dueDate", "Edm.Date"),
        P("promisedPayDate", "Edm.Date"),
        P("customerPurchaseOrderReference", "Edm.String", max_length=35),
        P("customerId", "Edm.Guid"),
        P("customerNumber", "Edm.String", nullable=False, max_length=20),
        P("customerName", "Edm.String", max_length=100),
        P("billToName", "Edm.String", max_length=100),
        P("billToCustomerId", "Edm.Guid"),
        P("billToCustomerNumber", "Edm.String", nullable=False, max_length=20),
        P("shipToName", "Edm.String", max_length=100),
        P("shipToContact", "Edm.String", max_length=100),
        P("sellToAddressLine1", "Edm.String", max_length=100),
        P("sellToAddressLine2", "Edm.String", max_length=50),
        P("sellToCity", "Edm.String", max_length=30),
        P("sellToCountry", "Edm.String", max_length=10),
        P("sellToState", "Edm.String", max_length=30),
        P("sellToPostCode", "Edm.String", max_length=20),
        P("billToAddressLine1", "Edm.String", max_length=100),
        P("billToAddressLine2", "Edm.String", max_length=50),
        P("billToCity", "Edm.String", max_length=30),
        P("billToCountry", "Edm.String", max_length=10),
        P("billToState", "Edm.String", max_length=30),
        P("billToPostCode", "Edm.String", max_length=20),
        P("shipToAddressLine1", "Edm.String", max_length=100),
        P("shipToAddressLine2", "Edm.String", max_length=50),
        P("shipToCity", "Edm.String", max_length=30),
        P("shipToCountry", "Edm.String", max_length=10),
        P("shipToState", "Edm.String", max_length=30),
        P("shipToPostCode", "Edm.String", max_length=20),
        P("currencyId", "Edm.Guid"),
        P("shortcutDimension1Code", "Edm.String", max_length=20),
        P("shortcutDimension2Code", "Edm.String", max_length=20),
        P("currencyCode", "Edm.String"),
        P("orderId", "Edm.Guid"),
        P("orderNumber", "Edm.String", max_length=20),
        P("paymentTermsId", "Edm.Guid"),
        P("shipmentMethodId", "Edm.Guid"),
        P("salesperson", "Edm.String", max_length=20),
        P("disputeStatusId", "Edm.Guid"),
        P("disputeStatus", "Edm.String", max_length=10),
        P("pricesIncludeTax", "Edm.Boolean"),
        P("remainingAmount", "Edm.Decimal"),
        P("discountAmount", "Edm.Decimal"),
        P("discountAppliedBeforeTax", "Edm.Boolean"),
        P("totalAmountExcludingTax", "Edm.Decimal"),
        P("totalTaxAmount", "Edm.Decimal"),
        P("totalAmountIncludingTax", "Edm.Decimal"),
        P("status", "NAV.invoiceEntityAggregateStatus"),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
        P("phoneNumber", "Edm.String", max_length=30),
        P("email", "Edm.String", max_length=80),
    ),
    "salesInvoiceLine": (
        P("id", "Edm.Guid", nullable=False),
        P("documentId", "Edm.Guid"),
        P("sequence", "Edm.Int32"),
        P("itemId", "Edm.Guid"),
        P("accountId", "Edm.Guid"),
        P("lineType", "NAV.invoiceLineAggLineType"),
        P("lineObjectNumber", "Edm.String", max_length=20),
        P("description", "Edm.String", max_length=100),
        P("description2", "Edm.String", max_length=50),
        P("unitOfMeasureId", "Edm.Guid"),
        P("unitOfMeasureCode", "Edm.String", max_length=10),
        P("quantity", "Edm.Decimal"),
        P("unitPrice", "Edm.Decimal"),
        P("discountAmount", "Edm.Decimal"),
        P("discountPercent", "Edm.Decimal"),
        P("discountAppliedBeforeTax", "Edm.Boolean"),
        P("amountExcludingTax", "Edm.Decimal"),
        P("taxCode", "Edm.String", max_length=50),
        P("taxPercent", "Edm.Decimal"),
        P("totalTaxAmount", "Edm.Decimal"),
        P("amountIncludingTax", "Edm.Decimal"),
        P("invoiceDiscountAllocation", "Edm.Decimal"),
        P("netAmount", "Edm.Decimal"),
        P("netTaxAmount", "Edm.Decimal"),
        P("netAmountIncludingTax", "Edm.Decimal"),
        P("shipmentDate", "Edm.Date"),
        P("itemVariantId", "Edm.Guid"),
        P("locationId", "Edm.Guid"),
    ),
    "customerPaymentJournal": (
        P("id", "Edm.Guid", nullable=False),
        P("code", "Edm.String", nullable=False, max_length=10),
        P("displayName", "Edm.String", max_length=100),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
        P("balancingAccountId", "Edm.Guid"),
        P("balancingAccountNumber", "Edm.String", max_length=20),
    ),
    "customerPayment": (
        P("id", "Edm.Guid", nullable=False),
        P("journalId", "Edm.Guid"),
        P("journalDisplayName", "Edm.String", max_length=10),
        P("lineNumber", "Edm.Int32"),
        P("customerId", "Edm.Guid"),
        P("customerNumber", "Edm.String", max_length=20),
        P("postingDate", "Edm.Date"),
        P("documentNumber", "Edm.String", max_length=20),
        P("externalDocumentNumber", "Edm.String", max_length=35),
        P("amount", "Edm.Decimal"),
        P("appliesToInvoiceId", "Edm.Guid"),
        P("appliesToInvoiceNumber", "Edm.String"),
        P("description", "Edm.String", max_length=100),
        P("comment", "Edm.String", max_length=250),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "employee": (
        P("id", "Edm.Guid", nullable=False),
        P("number", "Edm.String", max_length=20),
        P("displayName", "Edm.String"),
        P("givenName", "Edm.String", max_length=30),
        P("middleName", "Edm.String", max_length=30),
        P("surname", "Edm.String", max_length=30),
        P("jobTitle", "Edm.String", max_length=30),
        P("addressLine1", "Edm.String", max_length=100),
        P("addressLine2", "Edm.String", max_length=50),
        P("city", "Edm.String", max_length=30),
        P("state", "Edm.String", max_length=30),
        P("country", "Edm.String", max_length=10),
        P("postalCode", "Edm.String", max_length=20),
        P("phoneNumber", "Edm.String", max_length=30),
        P("mobilePhone", "Edm.String", max_length=30),
        P("email", "Edm.String", max_length=80),
        P("personalEmail", "Edm.String", max_length=80),
        P("employmentDate", "Edm.Date"),
        P("terminationDate", "Edm.Date"),
        P("status", "NAV.employeeStatus"),
        P("birthDate", "Edm.Date"),
        P("statisticsGroupCode", "Edm.String", max_length=10),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "timeRegistrationEntry": (
        P("id", "Edm.Guid", nullable=False),
        P("employeeId", "Edm.Guid", nullable=False),
        P("employeeNumber", "Edm.String", max_length=20),
        P("jobId", "Edm.Guid"),
        P("jobNumber", "Edm.String", max_length=20),
        P("jobTaskNumber", "Edm.String", max_length=20),
        P("absence", "Edm.String", max_length=10),
        P("lineNumber", "Edm.Int32"),
        P("date", "Edm.Date", nullable=False),
        P("quantity", "Edm.Decimal", nullable=False),
        P("status", "NAV.employeeTimeRegStatus"),
        P("unitOfMeasureId", "Edm.Guid"),
        P("unitOfMeasureCode", "Edm.String", max_length=10),
        P("lastModfiedDateTime", "Edm.DateTimeOffset"),
    ),
    "currency": (
        P("id", "Edm.Guid", nullable=False),
        P("code", "Edm.String", nullable=False, max_length=10),
        P("displayName", "Edm.String", max_length=30),
        P("symbol", "Edm.String", max_length=10),
        P("amountDecimalPlaces", "Edm.String", nullable=False, max_length=5),
        P("amountRoundingPrecision", "Edm.Decimal"),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "project": (
        P("id", "Edm.Guid", nullable=False),
        P("number", "Edm.String", max_length=20),
        P("displayName", "Edm.String", max_length=100),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "vendor": (
        P("id", "Edm.Guid", nullable=False),
        P("number", "Edm.String", max_length=20),
        P("displayName", "Edm.String", max_length=100),
        P("addressLine1", "Edm.String", max_length=100),
        P("addressLine2", "Edm.String", max_length=50),
        P("city", "Edm.String", max_length=30),
        P("state", "Edm.String", max_length=30),
        P("country", "Edm.String", max_length=10),
        P("postalCode", "Edm.String", max_length=20),
        P("phoneNumber", "Edm.String", max_length=30),
        P("email", "Edm.String", max_length=80),
        P("website", "Edm.String", max_length=80),
        P("taxRegistrationNumber", "Edm.String"),
        P("currencyId", "Edm.Guid"),
        P("currencyCode", "Edm.String"),
        P("irs1099Code", "Edm.String"),
        P("paymentTermsId", "Edm.Guid"),
        P("paymentMethodId", "Edm.Guid"),
        P("taxLiable", "Edm.Boolean"),
        P("blocked", "NAV.vendorBlocked"),
        P("balance", "Edm.Decimal"),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "purchaseInvoice": (
        P("id", "Edm.Guid", nullable=False),
        P("number", "Edm.String", max_length=20),
        P("postingDate", "Edm.Date"),
        P("invoiceDate", "Edm.Date"),
        P("dueDate", "Edm.Date"),
        P("vendorInvoiceNumber", "Edm.String", max_length=35),
        P("vendorId", "Edm.Guid"),
        P("vendorNumber", "Edm.String", nullable=False, max_length=20),
        P("vendorName", "Edm.String", max_length=100),
        P("payToName", "Edm.String", max_length=100),
        P("payToContact", "Edm.String", max_length=100),
        P("payToVendorId", "Edm.Guid"),
        P("payToVendorNumber", "Edm.String", nullable=False, max_length=20),
        P("shipToName", "Edm.String", max_length=100),
        P("shipToContact", "Edm.String", max_length=100),
        P("buyFromAddressLine1", "Edm.String", max_length=100),
        P("buyFromAddressLine2", "Edm.String", max_length=50),
        P("buyFromCity", "Edm.String", max_length=30),
        P("buyFromCountry", "Edm.String", max_length=10),
        P("buyFromState", "Edm.String", max_length=30),
        P("buyFromPostCode", "Edm.String", max_length=20),
        P("shipToAddressLine1", "Edm.String", max_length=100),
        P("shipToAddressLine2", "Edm.String", max_length=50),
        P("shipToCity", "Edm.String", max_length=30),
        P("shipToCountry", "Edm.String", max_length=10),
        P("shipToState", "Edm.String", max_length=30),
        P("shipToPostCode", "Edm.String", max_length=20),
        P("payToAddressLine1", "Edm.String", max_length=100),
        P("payToAddressLine2", "Edm.String", max_length=50),
        P("payToCity", "Edm.String", max_length=30),
        P("payToCountry", "Edm.String", max_length=10),
        P("payToState", "Edm.String", max_length=30),
        P("payToPostCode", "Edm.String", max_length=20),
        P("shortcutDimension1Code", "Edm.String", max_length=20),
        P("shortcutDimension2Code", "Edm.String", max_length=20),
        P("currencyId", "Edm.Guid"),
        P("currencyCode", "Edm.String"),
        P("orderId", "Edm.Guid"),
        P("orderNumber", "Edm.String", max_length=20),
        P("purchaser", "Edm.String", max_length=20),
        P("pricesIncludeTax", "Edm.Boolean"),
        P("discountAmount", "Edm.Decimal"),
        P("discountAppliedBeforeTax", "Edm.Boolean"),
        P("totalAmountExcludingTax", "Edm.Decimal"),
        P("totalTaxAmount", "Edm.Decimal"),
        P("totalAmountIncludingTax", "Edm.Decimal"),
        P("status", "NAV.invoiceEntityAggregateStatus"),
        P("lastModifiedDateTime", "Edm.DateTimeOffset"),
    ),
    "purchaseInvoiceLine": (
        P("id", "Edm.Guid", nullable=False),
        P("documentId", "Edm.Guid"),
        P("sequence", "Edm.Int32"),
        P("itemId", "Edm.Guid"),
        P("accountId", "Edm.Guid"),
        P("lineType", "NAV.invoiceLineAggLineType"),
        P("lineObjectNumber", "Edm.String", max_length=20),
        P("description", "Edm.String", max_length=100),
        P("description2", "Edm.String", max_length=50),
        P("unitOfMeasureId", "Edm.Guid"),
        P("unitOfMeasureCode", "Edm.String", max_length=10),
        P("unitCost", "Edm.Decimal"),
        P("quantity", "Edm.Decimal"),
        P("discountAmount", "Edm.Decimal"),
        P("discountPercent", "Edm.Decimal"),
        P("discountAppliedBeforeTax", "Edm.Boolean"),
        P("amountExcludingTax", "Edm.Decimal"),
        P("taxCode", "Edm.String", max_length=50),
        P("taxPercent", "Edm.Decimal"),
        P("totalTaxAmount", "Edm.Decimal"),
        P("amountIncludingTax", "Edm.Decimal"),
        P("invoiceDiscountAllocation", "Edm.Decimal"),
        P("netAmount", "Edm.Decimal"),
        P("netTaxAmount", "Edm.Decimal"),
        P("netAmountIncludingTax", "Edm.Decimal"),
        P("expectedReceiptDate", "Edm.Date"),
        P("itemVariantId", "Edm.Guid"),
        P("locationId", "Edm.Guid"),
    ),
}

#: enum type -> members as (wire value, CSDL member name, value)
ENUMS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "NAV.contactType": ((("Company", "Company", 0)), ("Person", "Person", 1)),
    "NAV.customerBlocked": (
        (" ", "_x0020_", 0),
        ("Ship", "Ship", 1),
        ("Invoice", "Invoice", 2),
        ("All", "All", 3),
    ),
    "NAV.itemType": (
        ("Inventory", "Inventory", 0),
        ("Service", "Service", 1),
        ("Non-Inventory", "Non_x002D_Inventory", 2),
    ),
    "NAV.employeeStatus": (
        ("Active", "Active", 0),
        ("Inactive", "Inactive", 1),
        ("Terminated", "Terminated", 2),
    ),
    "NAV.employeeTimeRegStatus": (
        ("Open", "Open", 0),
        ("Submitted", "Submitted", 1),
        ("Rejected", "Rejected", 2),
        ("Approved", "Approved", 3),
    ),
    "NAV.salesCrMemoEntityBufferStatus": (
        ("Draft", "Draft", 0),
        ("In Review", "In_x0020_Review", 1),
        ("Open", "Open", 2),
        ("Canceled", "Canceled", 3),
        ("Corrective", "Corrective", 4),
        ("Paid", "Paid", 5),
    ),
    "NAV.invoiceEntityAggregateStatus": (
        (" ", "_x0020_", 0),
        ("Draft", "Draft", 1),
        ("In Review", "In_x0020_Review", 2),
        ("Open", "Open", 3),
        ("Paid", "Paid", 4),
        ("Canceled", "Canceled", 5),
        ("Corrective", "Corrective", 6),
    ),
    "NAV.invoiceLineAggLineType": (
        ("Comment", "Comment", 0),
        ("Account", "Account", 1),
        ("Item", "Item", 2),
        ("Resource", "Resource", 3),
        ("Fixed Asset", "Fixed_x0020_Asset", 4),
        ("Charge", "Charge", 5),
        ("Allocation Account", "Allocation_x0020_Account", 10),
    ),
    "NAV.vendorBlocked": ((" ", "_x0020_", 0), ("Payment", "Payment", 1), ("All", "All", 2)),
}


@dataclass(frozen=True, slots=True)
class Nav:
    """A navigation property: target entity type, collection or single, and how it joins."""

    target: str
    collection: bool
    #: (field on this entity, field on the target) the join compares
    join: tuple[str, str]


@dataclass(frozen=True, slots=True)
class EntityDef:
    """An entity type as the API serves it."""

    name: str
    set_name: str
    key: str = "id"
    #: properties the server computes; a write to one is refused
    read_only: frozenset[str] = frozenset()
    #: properties a POST must carry (alternatives: any one of a tuple)
    required: tuple[tuple[str, ...], ...] = ()
    nav: dict[str, Nav] = field(default_factory=dict)
    #: False for entity sets that only read (companies, journals)
    writable: bool = True
    #: the last-modified property (timeRegistrationEntry spells it lastModfiedDateTime)
    modified: str = "lastModifiedDateTime"
    #: number series prefix for ``number`` when a POST leaves it out
    series: str = ""

    @property
    def properties(self) -> tuple[P, ...]:
        return PROPERTIES[self.name]

    def prop(self, name: str) -> P | None:
        return PROPERTY_BY_NAME[self.name].get(name)


#: per entity type, its properties by name
PROPERTY_BY_NAME: dict[str, dict[str, P]] = {
    t: {p.name: p for p in ps} for t, ps in PROPERTIES.items()
}
_SYSTEM = frozenset({"id", "lastModifiedDateTime"})
#: what a document's status and totals follow from (its lines and the post action)
_DOCUMENT_READ_ONLY = _SYSTEM | {
    "status",
    "totalAmountExcludingTax",
    "totalTaxAmount",
    "totalAmountIncludingTax",
    "discountAppliedBeforeTax",
}
#: what a document line's amounts and unit follow from (its quantity, price and item)
_LINE_READ_ONLY = frozenset(
    {
        "id",
        "documentId",
        "amountExcludingTax",
        "totalTaxAmount",
        "amountIncludingTax",
        "netAmount",
        "netTaxAmount",
        "netAmountIncludingTax",
        "invoiceDiscountAllocation",
        "discountAppliedBeforeTax",
        "unitOfMeasureCode",
    }
)

ENTITIES: dict[str, EntityDef] = {
    e.name: e
    for e in (
        EntityDef(
            "company",
            "companies",
            writable=False,
            modified="systemModifiedAt",
            read_only=frozenset(p.name for p in PROPERTIES["company"]),
        ),
        EntityDef(
            "companyInformation",
            "companyInformation",
            writable=False,
            read_only=frozenset(p.name for p in PROPERTIES["companyInformation"]),
        ),
        EntityDef(
            "customer",
            "customers",
            read_only=_SYSTEM | {"balanceDue", "taxAreaDisplayName"},
            required=(("displayName",),),
            series="C",
        ),
        EntityDef("project", "projects", read_only=_SYSTEM, series="J"),
        EntityDef(
            "employee",
            "employees",
            read_only=_SYSTEM | {"displayName"},
            nav={
                "timeRegistrationEntries": Nav("timeRegistrationEntry", True, ("id", "employeeId"))
            },
            series="E",
        ),
        EntityDef("item", "items", read_only=_SYSTEM | {"inventory"}, series="I"),
        EntityDef(
            "salesInvoice",
            "salesInvoices",
            read_only=_DOCUMENT_READ_ONLY
            | {
                "remainingAmount",
                "orderId",
                "orderNumber",
                "customerName",
                "billToName",
            },
            required=(("customerId", "customerNumber"),),
            nav={
                "salesInvoiceLines": Nav("salesInvoiceLine", True, ("id", "documentId")),
                "customer": Nav("customer", False, ("customerId", "id")),
            },
        ),
        EntityDef(
            "salesInvoiceLine",
            "salesInvoiceLines",
            read_only=_LINE_READ_ONLY,
            nav={
                "item": Nav("item", False, ("itemId", "id")),
                "salesInvoice": Nav("salesInvoice", False, ("documentId", "id")),
            },
        ),
        EntityDef(
            "timeRegistrationEntry",
            "timeRegistrationEntries",
            read_only=frozenset({"id", "lineNumber", "lastModfiedDateTime"}),
            required=(("employeeId", "employeeNumber"), ("date",)),
            nav={"employee": Nav("employee", False, ("employeeId", "id"))},
            modified="lastModfiedDateTime",
        ),
        EntityDef(
            "customerPaymentJournal",
            "customerPaymentJournals",
            read_only=_SYSTEM,
            required=(("code",),),
            nav={"customerPayments": Nav("customerPayment", True, ("id", "journalId"))},
        ),
        EntityDef(
            "customerPayment",
            "customerPayments",
            read_only=_SYSTEM | {"lineNumber"},
            required=(("journalId", "journalDisplayName"),),
            nav={"customer": Nav("customer", False, ("customerId", "id"))},
        ),
        EntityDef(
            "currency",
            "currencies",
            read_only=_SYSTEM,
            required=(("code",),),
        ),
        EntityDef(
            "vendor",
            "vendors",
            read_only=_SYSTEM | {"balance"},
            required=(("displayName",),),
            series="V",
        ),
        EntityDef(
            "purchaseInvoice",
            "purchaseInvoices",
            read_only=_DOCUMENT_READ_ONLY
            | {
                "orderId",
                "orderNumber",
                "vendorName",
                "payToName",
            },
            required=(("vendorId", "vendorNumber"),),
            nav={
                "purchaseInvoiceLines": Nav("purchaseInvoiceLine", True, ("id", "documentId")),
                "vendor": Nav("vendor", False, ("vendorId", "id")),
            },
        ),
        EntityDef(
            "purchaseInvoiceLine",
            "purchaseInvoiceLines",
            read_only=_LINE_READ_ONLY,
            nav={
                "item": Nav("item", False, ("itemId", "id")),
                "purchaseInvoice": Nav("purchaseInvoice", False, ("documentId", "id")),
            },
        ),
        EntityDef(
            "salesCreditMemo",
            "salesCreditMemos",
            read_only=_DOCUMENT_READ_ONLY
            | {
                "customerName",
                "billToName",
            },
            required=(("customerId", "customerNumber"),),
            nav={
                "salesCreditMemoLines": Nav("salesCreditMemoLine", True, ("id", "documentId")),
                "customer": Nav("customer", False, ("customerId", "id")),
            },
        ),
        EntityDef(
            "salesCreditMemoLine",
            "salesCreditMemoLines",
            read_only=_LINE_READ_ONLY,
            nav={
                "item": Nav("item", False, ("itemId", "id")),
                "salesCreditMemo": Nav("salesCreditMemo", False, ("documentId", "id")),
            },
        ),
    )
}

BY_SET: dict[str, EntityDef] = {e.set_name: e for e in ENTITIES.values()}

#: entity sets a company nests
COMPANY_SETS = frozenset(BY_SET) - {"companies"}

#: bound actions served: (entity type, action name)
ACTIONS = frozenset(
    {
        ("salesInvoice", "post"),
        ("journal", "post"),
        ("purchaseInvoice", "post"),
        ("salesCreditMemo", "post"),
    }
)

#: document entity -> its line entity (lines carry the document's id in documentId)
DOCUMENT_LINES: dict[str, str] = {
    "salesInvoice": "salesInvoiceLine",
    "purchaseInvoice": "purchaseInvoiceLine",
    "salesCreditMemo": "salesCreditMemoLine",
}
#: line entity -> its document entity
LINE_DOCUMENT: dict[str, str] = {line: doc for doc, line in DOCUMENT_LINES.items()}
