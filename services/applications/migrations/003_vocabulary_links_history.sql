-- One vocabulary (loanflow.common.v1): repayment methods and document types are the proto enums'
-- words. Applications and products written with the old words are rewritten.
UPDATE loan_applications
   SET repayment_method = CASE repayment_method
         WHEN 'interest_only_bullet' THEN 'interest_only'
         WHEN 'lump_sum' THEN 'bullet'
       END
 WHERE repayment_method IN ('interest_only_bullet', 'lump_sum');

UPDATE products SET definition = jsonb_set(definition, '{repaymentMethods}', (
  SELECT COALESCE(jsonb_agg(CASE m WHEN 'interest_only_bullet' THEN 'interest_only'
                                   WHEN 'lump_sum' THEN 'bullet' ELSE m END), '[]'::jsonb)
    FROM jsonb_array_elements_text(definition -> 'repaymentMethods') AS m));

UPDATE products SET definition = jsonb_set(definition, '{requiredDocuments}', (
  SELECT COALESCE(jsonb_agg(DISTINCT w), '[]'::jsonb)
    FROM jsonb_array_elements_text(definition -> 'requiredDocuments') AS d,
         unnest(CASE d WHEN 'id_card' THEN ARRAY['id_card_front', 'id_card_back']
                       WHEN 'bank_statements' THEN ARRAY['bank_statement']
                       WHEN 'business_licence' THEN ARRAY['business_license']
                       ELSE ARRAY[d] END) AS w));

-- The seeded products now require what the documents service's checklists ask for across the
-- approval steps (its migration 002 sets those checklists).
UPDATE products SET definition = jsonb_set(definition, '{requiredDocuments}', '["id_card_front", "id_card_back", "bank_statement", "credit_report", "income_proof", "investigation_report"]')
 WHERE code = 'PERSONAL_CONSUMER';
UPDATE products SET definition = jsonb_set(definition, '{requiredDocuments}', '["id_card_front", "id_card_back", "bank_statement", "credit_report", "business_license", "investigation_report"]')
 WHERE code = 'SMALL_BUSINESS';
UPDATE products SET definition = jsonb_set(definition, '{requiredDocuments}', '["id_card_front", "id_card_back", "bank_statement", "credit_report", "business_license", "financial_statements", "investigation_report", "collateral_papers"]')
 WHERE code = 'CORP_WORKING_CAPITAL';
UPDATE products SET definition = jsonb_set(definition, '{requiredDocuments}', '["id_card_front", "id_card_back", "bank_statement", "credit_report", "income_proof", "purchase_contract", "investigation_report", "collateral_papers"]')
 WHERE code = 'MORTGAGE';
UPDATE products SET definition = jsonb_set(definition, '{repaymentMethods}', '["interest_only", "interest_only_quarterly", "equal_principal", "bullet"]')
 WHERE code = 'CORP_WORKING_CAPITAL';

-- After approval: the signed contract (documents' contract.signed), the loan paid out under it
-- (accounting's loan.disbursed); or the application ends declined or expired.
ALTER TABLE loan_applications DROP CONSTRAINT loan_applications_status_check;
ALTER TABLE loan_applications
  ADD CONSTRAINT loan_applications_status_check
  CHECK (status IN ('draft', 'submitted', 'withdrawn', 'approved', 'rejected', 'contracted',
                    'disbursed', 'declined', 'expired'));
ALTER TABLE loan_applications
  ADD COLUMN contract_id uuid,
  ADD COLUMN contract_number text,
  ADD COLUMN loan_id uuid,
  ADD COLUMN loan_number text;
CREATE INDEX loan_applications_expiry ON loan_applications (status, submitted_at)
  WHERE status IN ('submitted', 'approved');

-- What happened to an application (submitted, withdrawn with its reason, the decision,
-- contracted, disbursed, declined, expired), who did it and when.
CREATE TABLE application_history (
  id bigserial PRIMARY KEY,
  application_id uuid NOT NULL REFERENCES loan_applications (id),
  action text NOT NULL CHECK (action IN ('submitted', 'withdrawn', 'approved', 'rejected',
                                         'contracted', 'disbursed', 'declined', 'expired')),
  at timestamptz NOT NULL DEFAULT now(),
  actor text,
  reason text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX application_history_application ON application_history (application_id, id);

-- The history of applications that are already under way.
INSERT INTO application_history (application_id, action, at, actor, reason, details)
SELECT application_id, action, at, actor, reason, details FROM (
  SELECT id AS application_id, 'submitted' AS action, submitted_at AS at, submitted_by AS actor,
         NULL AS reason, '{}'::jsonb AS details
    FROM loan_applications WHERE submitted_at IS NOT NULL
  UNION ALL
  SELECT id, status, decided_at, NULL, NULL,
         jsonb_strip_nulls(jsonb_build_object('approvedAmount', approved_amount::text,
                                              'approvedRatePercent', approved_rate_percent::text,
                                              'approvedTermMonths', approved_term_months::text,
                                              'processInstanceId', process_instance_id))
    FROM loan_applications WHERE decided_at IS NOT NULL
  UNION ALL
  SELECT id, 'withdrawn', withdrawn_at, withdrawn_by, withdraw_reason, '{}'::jsonb
    FROM loan_applications WHERE withdrawn_at IS NOT NULL
) AS past ORDER BY at;
