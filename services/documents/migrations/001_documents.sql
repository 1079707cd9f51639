-- Document imaging: types, checklists per product and stage, documents and their versions (bytes in
-- S3), views, the central archive, contract templates, contracts and signatures.

CREATE TABLE document_types (
  code text PRIMARY KEY,
  name text NOT NULL,
  name_zh text NOT NULL,
  max_bytes bigint NOT NULL CHECK (max_bytes > 0),
  media_types text[] NOT NULL,
  -- Years kept after archiving (档案保管期限).
  retention_years integer NOT NULL CHECK (retention_years > 0)
);
INSERT INTO document_types (code, name, name_zh, max_bytes, media_types, retention_years) VALUES
  ('id_card_front', 'Resident ID card, front', '身份证正面', 10485760, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('id_card_back', 'Resident ID card, back', '身份证反面', 10485760, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('income_proof', 'Proof of income', '收入证明', 20971520, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('bank_statement', 'Bank statements', '银行流水', 104857600, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('business_licence', 'Business licence', '营业执照', 20971520, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('financial_statements', 'Financial statements', '财务报表', 104857600, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('collateral_papers', 'Collateral papers (title, appraisal)', '抵押物权证及评估报告', 209715200, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('purchase_contract', 'Property purchase contract', '购房合同', 104857600, '{image/jpeg,image/png,image/tiff,application/pdf}', 30),
  ('investigation_report', 'Credit investigation report', '贷前调查报告', 52428800, '{application/pdf,image/jpeg,image/png,image/tiff}', 30),
  ('review_minutes', 'Review and committee minutes', '审查及贷审会纪要', 52428800, '{application/pdf,image/jpeg,image/png,image/tiff}', 30),
  ('loan_contract', 'Signed loan contract', '借款合同', 52428800, '{application/pdf}', 30),
  ('bulk_scan', 'Bulk scan (large files)', '批量扫描件', 1073741824, '{application/pdf,image/tiff,image/jpeg,image/png}', 10),
  ('other', 'Other', '其他', 52428800, '{image/jpeg,image/png,image/tiff,application/pdf}', 10);

-- What each product requires before a step of the approval flow may complete (stage = the
-- step code in the BPMN, e.g. market_routing, investigation).
CREATE TABLE checklist_items (
  product_code text NOT NULL,
  stage text NOT NULL,
  document_type text NOT NULL REFERENCES document_types (code),
  PRIMARY KEY (product_code, stage, document_type)
);
INSERT INTO checklist_items (product_code, stage, document_type) VALUES
  ('PERSONAL_CONSUMER', 'market_routing', 'id_card_front'),
  ('PERSONAL_CONSUMER', 'market_routing', 'id_card_back'),
  ('PERSONAL_CONSUMER', 'market_routing', 'income_proof'),
  ('PERSONAL_CONSUMER', 'investigation', 'investigation_report'),
  ('SMALL_BUSINESS', 'market_routing', 'id_card_front'),
  ('SMALL_BUSINESS', 'market_routing', 'id_card_back'),
  ('SMALL_BUSINESS', 'market_routing', 'business_licence'),
  ('SMALL_BUSINESS', 'investigation', 'investigation_report'),
  ('SMALL_BUSINESS', 'investigation', 'bank_statement'),
  ('CORP_WORKING_CAPITAL', 'market_routing', 'business_licence'),
  ('CORP_WORKING_CAPITAL', 'market_routing', 'financial_statements'),
  ('CORP_WORKING_CAPITAL', 'investigation', 'investigation_report'),
  ('CORP_WORKING_CAPITAL', 'investigation', 'collateral_papers'),
  ('MORTGAGE', 'market_routing', 'id_card_front'),
  ('MORTGAGE', 'market_routing', 'id_card_back'),
  ('MORTGAGE', 'market_routing', 'income_proof'),
  ('MORTGAGE', 'market_routing', 'purchase_contract'),
  ('MORTGAGE', 'investigation', 'investigation_report'),
  ('MORTGAGE', 'investigation', 'collateral_papers');

-- Whose documents these are, as the applications service described them at first use; the
-- archive closes an owner for good.
CREATE TABLE owners (
  kind text NOT NULL CHECK (kind IN ('application', 'customer', 'loan')),
  id uuid NOT NULL,
  branch_id text NOT NULL,
  product_code text,
  customer_id uuid,
  application_id uuid,
  status text NOT NULL CHECK (status IN ('open', 'closed', 'archived')),
  archive_number text UNIQUE,
  archived_at timestamptz,
  archive_reason text,
  PRIMARY KEY (kind, id)
);
CREATE SEQUENCE archive_numbers;

CREATE TABLE documents (
  id uuid PRIMARY KEY,
  owner_kind text NOT NULL,
  owner_id uuid NOT NULL,
  document_type text NOT NULL REFERENCES document_types (code),
  version integer NOT NULL,
  media_type text NOT NULL,
  size bigint NOT NULL CHECK (size > 0),
  sha256 char(64) NOT NULL,
  pages integer NOT NULL DEFAULT 0,
  file_name text,
  object_key text NOT NULL UNIQUE,
  thumbnail_key text,
  preview_key text,
  status text NOT NULL CHECK (status IN ('stored', 'superseded', 'archived', 'deleted')),
  uploaded_by text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  request_id text UNIQUE,
  retain_until date,
  legal_hold boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  deleted_by text,
  -- Thumbnail, preview and page count are made in the background.
  renditions text NOT NULL DEFAULT 'pending' CHECK (renditions IN ('pending', 'done', 'failed', 'none')),
  FOREIGN KEY (owner_kind, owner_id) REFERENCES owners (kind, id),
  UNIQUE (owner_kind, owner_id, document_type, version)
);
CREATE INDEX documents_owner ON documents (owner_kind, owner_id, document_type);
-- The same bytes twice for one owner are one document.
CREATE UNIQUE INDEX documents_same_bytes ON documents (owner_kind, owner_id, sha256) WHERE status <> 'deleted';

-- 调阅记录: every view of a document.
CREATE TABLE document_views (
  id bigserial PRIMARY KEY,
  document_id uuid NOT NULL REFERENCES documents (id),
  viewer text NOT NULL,
  viewer_name text NOT NULL,
  via text NOT NULL CHECK (via IN ('stream', 'presigned', 'thumbnail', 'preview')),
  viewed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_views_document ON document_views (document_id, viewed_at);

-- Changes to archived material (legal hold, deletion after retention), never deleted itself.
CREATE TABLE archive_audit (
  id bigserial PRIMARY KEY,
  document_id uuid,
  owner_kind text,
  owner_id uuid,
  action text NOT NULL,
  actor text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contract_templates (
  code text NOT NULL,
  version integer NOT NULL,
  product_codes text[] NOT NULL,
  title text NOT NULL,
  clauses jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, version)
);

CREATE SEQUENCE contract_numbers;
CREATE TABLE contracts (
  id uuid PRIMARY KEY,
  contract_number text NOT NULL UNIQUE,
  application_id uuid NOT NULL,
  template_code text NOT NULL,
  template_version integer NOT NULL,
  parties jsonb NOT NULL,
  terms jsonb NOT NULL,
  object_key text NOT NULL,
  sha256 char(64) NOT NULL,
  status text NOT NULL CHECK (status IN ('generated', 'signing', 'signed')),
  request_id text UNIQUE,
  generated_by text NOT NULL,
  generated_at timestamptz NOT NULL,
  FOREIGN KEY (template_code, template_version) REFERENCES contract_templates (code, version)
);
CREATE INDEX contracts_application ON contracts (application_id);

CREATE TABLE contract_signatures (
  contract_id uuid NOT NULL REFERENCES contracts (id),
  party_role text NOT NULL,
  signer text NOT NULL,
  certificate_pem text NOT NULL,
  cms bytea NOT NULL,
  timestamp_token bytea NOT NULL,
  signed_at timestamptz NOT NULL,
  timestamp_time timestamptz NOT NULL,
  PRIMARY KEY (contract_id, party_role)
);

-- The development certificate authority and timestamp authority of this deployment (created at
-- first start). Production keys belong in an HSM or a KMS, not in a table.
CREATE TABLE pki (
  name text PRIMARY KEY,
  certificate_pem text NOT NULL,
  private_key_pem text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE timestamp_serials;

-- Stages whose checklist became complete (checklist.completed is told once per stage).
CREATE TABLE checklist_completions (
  application_id uuid NOT NULL,
  stage text NOT NULL,
  completed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, stage)
);
