-- One vocabulary (loanflow.common.v1.DocumentType): the document type codes are the proto enum's
-- words. "business_licence" becomes "business_license" (documents and checklists follow), and the
-- types products ask for that had no code here are added.
INSERT INTO document_types (code, name, name_zh, max_bytes, media_types, retention_years) VALUES
  ('business_license', 'Business licence', '营业执照', 20971520, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('credit_report', 'Credit bureau report', '征信报告', 20971520, '{application/pdf,image/jpeg,image/png,image/tiff}', 30),
  ('property_certificate', 'Real estate title certificate', '不动产权证书', 52428800, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('guarantee_agreement', 'Guarantee agreement', '保证合同', 52428800, '{application/pdf,image/jpeg,image/png,image/tiff}', 30)
ON CONFLICT (code) DO NOTHING;
UPDATE documents SET document_type = 'business_license' WHERE document_type = 'business_licence';
UPDATE checklist_items SET document_type = 'business_license' WHERE document_type = 'business_licence';
DELETE FROM document_types WHERE code = 'business_licence';

-- The checklists of the seeded products, per approval step: what the account manager files at
-- entry (market_routing) and what the credit officer's investigation adds. Together they are
-- each product's requiredDocuments in the applications service.
DELETE FROM checklist_items
 WHERE product_code IN ('PERSONAL_CONSUMER', 'SMALL_BUSINESS', 'CORP_WORKING_CAPITAL', 'MORTGAGE');
INSERT INTO checklist_items (product_code, stage, document_type) VALUES
  ('PERSONAL_CONSUMER', 'market_routing', 'id_card_front'),
  ('PERSONAL_CONSUMER', 'market_routing', 'id_card_back'),
  ('PERSONAL_CONSUMER', 'market_routing', 'income_proof'),
  ('PERSONAL_CONSUMER', 'market_routing', 'bank_statement'),
  ('PERSONAL_CONSUMER', 'market_routing', 'credit_report'),
  ('PERSONAL_CONSUMER', 'investigation', 'investigation_report'),
  ('SMALL_BUSINESS', 'market_routing', 'id_card_front'),
  ('SMALL_BUSINESS', 'market_routing', 'id_card_back'),
  ('SMALL_BUSINESS', 'market_routing', 'business_license'),
  ('SMALL_BUSINESS', 'market_routing', 'bank_statement'),
  ('SMALL_BUSINESS', 'market_routing', 'credit_report'),
  ('SMALL_BUSINESS', 'investigation', 'investigation_report'),
  ('CORP_WORKING_CAPITAL', 'market_routing', 'business_license'),
  ('CORP_WORKING_CAPITAL', 'market_routing', 'financial_statements'),
  ('CORP_WORKING_CAPITAL', 'market_routing', 'id_card_front'),
  ('CORP_WORKING_CAPITAL', 'market_routing', 'id_card_back'),
  ('CORP_WORKING_CAPITAL', 'market_routing', 'bank_statement'),
  ('CORP_WORKING_CAPITAL', 'market_routing', 'credit_report'),
  ('CORP_WORKING_CAPITAL', 'investigation', 'investigation_report'),
  ('CORP_WORKING_CAPITAL', 'investigation', 'collateral_papers'),
  ('MORTGAGE', 'market_routing', 'id_card_front'),
  ('MORTGAGE', 'market_routing', 'id_card_back'),
  ('MORTGAGE', 'market_routing', 'income_proof'),
  ('MORTGAGE', 'market_routing', 'purchase_contract'),
  ('MORTGAGE', 'market_routing', 'bank_statement'),
  ('MORTGAGE', 'market_routing', 'credit_report'),
  ('MORTGAGE', 'investigation', 'investigation_report'),
  ('MORTGAGE', 'investigation', 'collateral_papers');
