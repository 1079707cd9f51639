import { FilePdfOutlined, InboxOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Form,
  Image,
  Modal,
  Row,
  Select,
  Space,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api, API_BASE, data, fetchBlob, idempotencyKey } from '../api/client';
import type { components } from '../api/schema';
import { ApiError } from '../api/problem';
import { session } from '../auth/session';
import { dateTimeText } from '../format/date';
import { defineMessages, register } from '../i18n/catalogue';
import { useLanguage, useT } from '../i18n/language';
import { PdfPages } from './DocumentPdfPages';
import { PageState } from './PageState';
import './DocumentsPanel.css';

export type DocumentInfo = components['schemas']['Document'];
export type DocumentType = DocumentInfo['documentType'];
export type Checklist = components['schemas']['Checklist'];

const messages = register(
  defineMessages(
    {
      'doc.title': '影像资料',
      'doc.checklist': '资料清单',
      'doc.missing': '缺少：{list}',
      'doc.complete': '资料齐全',
      'doc.present': '已上传',
      'doc.absent': '缺',
      'doc.upload': '上传影像',
      'doc.type': '资料类型',
      'doc.drop': '点击或将扫描件拖到此处上传',
      'doc.dropHint': '支持 JPEG、PNG、TIFF、PDF',
      'doc.uploaded': '已上传 {name}',
      'doc.duplicate': '{name} 已存在，未重复上传',
      'doc.failed': '上传失败：{reason}',
      'doc.none': '尚无影像资料',
      'doc.view': '查看',
      'doc.pages': '第 {n} 页',
      'doc.close': '关闭',
      'doc.version': '第 {v} 版',
      'stage.disbursement': '放款审查',
      'stage.contract': '合同签订',
      'docType.id_card_front': '身份证正面',
      'docType.id_card_back': '身份证反面',
      'docType.income_proof': '收入证明',
      'docType.bank_statement': '银行流水',
      'docType.business_license': '营业执照',
      'docType.financial_statements': '财务报表',
      'docType.credit_report': '征信报告',
      'docType.property_certificate': '房产证',
      'docType.collateral_papers': '抵押物资料',
      'docType.purchase_contract': '购销合同',
      'docType.guarantee_agreement': '担保协议',
      'docType.investigation_report': '调查报告',
      'docType.review_minutes': '审查纪要',
      'docType.loan_contract': '借款合同',
      'docType.bulk_scan': '批量扫描件',
      'docType.other': '其他',
    },
    {
      'doc.title': 'Documents',
      'doc.checklist': 'Checklist',
      'doc.missing': 'Missing: {list}',
      'doc.complete': 'Complete',
      'doc.present': 'Filed',
      'doc.absent': 'Missing',
      'doc.upload': 'Upload a scan',
      'doc.type': 'Document type',
      'doc.drop': 'Click or drag a scan here to upload',
      'doc.dropHint': 'JPEG, PNG, TIFF or PDF',
      'doc.uploaded': '{name} uploaded',
      'doc.duplicate': '{name} was already filed',
      'doc.failed': 'Upload failed: {reason}',
      'doc.none': 'No documents yet',
      'doc.view': 'View',
      'doc.pages': 'Page {n}',
      'doc.close': 'Close',
      'doc.version': 'version {v}',
      'stage.disbursement': 'Disbursement review',
      'stage.contract': 'Contract',
      'docType.id_card_front': 'ID card (front)',
      'docType.id_card_back': 'ID card (back)',
      'docType.income_proof': 'Proof of income',
      'docType.bank_statement': 'Bank statement',
      'docType.business_license': 'Business licence',
      'docType.financial_statements': 'Financial statements',
      'docType.credit_report': 'Credit report',
      'docType.property_certificate': 'Property certificate',
      'docType.collateral_papers': 'Collateral papers',
      'docType.purchase_contract': 'Purchase contract',
      'docType.guarantee_agreement': 'Guarantee agreement',
      'docType.investigation_report': 'Investigation report',
      'docType.review_minutes': 'Review minutes',
      'docType.loan_contract': 'Loan contract',
      'docType.bulk_scan': 'Bulk scan',
      'docType.other': 'Other',
    },
  ),
);

export const DOCUMENT_TYPES: DocumentType[] = [
  'id_card_front',
  'id_card_back',
  'income_proof',
  'bank_statement',
  'business_license',
  'financial_statements',
  'credit_report',
  'property_certificate',
  'collateral_papers',
  'purchase_contract',
  'guarantee_agreement',
  'investigation_report',
  'review_minutes',
  'loan_contract',
  'bulk_scan',
  'other',
];

/** The label of a document type in the current language. */
export function useDocumentTypeLabel(): (type: string) => string {
  const t = useT(messages);
  return (type) => t(`docType.${type}` as keyof typeof messages.zh);
}

export const documentKeys = {
  list: (applicationId: string) => ['documents', applicationId] as const,
  checklist: (applicationId: string, stage?: string) =>
    ['checklist', applicationId, stage ?? ''] as const,
};

/** The application's documents and checklist, refreshed together after an upload. */
export function useApplicationDocuments(applicationId: string | undefined, stage?: string) {
  const documents = useQuery({
    queryKey: documentKeys.list(applicationId ?? ''),
    enabled: !!applicationId,
    queryFn: () =>
      data(
        api.GET('/documents', {
          params: { query: { ownerKind: 'application', ownerId: applicationId! } },
        }),
      ),
  });
  const checklist = useQuery({
    queryKey: documentKeys.checklist(applicationId ?? '', stage),
    enabled: !!applicationId,
    queryFn: () =>
      data(
        api.GET('/applications/{id}/checklist', {
          params: { path: { id: applicationId! }, query: stage ? { stage } : {} },
        }),
      ),
  });
  return { documents, checklist };
}

/** POSTs one file as multipart (the fields first, then the file) with the token. */
export async function uploadDocument(
  applicationId: string,
  documentType: DocumentType,
  file: Blob & { name?: string },
): Promise<{ document?: DocumentInfo; duplicate: boolean }> {
  const form = new FormData();
  form.append('ownerKind', 'application');
  form.append('ownerId', applicationId);
  form.append('documentType', documentType);
  form.append('size', String(file.size));
  form.append('file', file, file.name ?? 'scan');
  const headers = new Headers({ 'Idempotency-Key': idempotencyKey() });
  const token = session.token();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const response = await fetch(`${API_BASE}/documents`, { method: 'POST', body: form, headers });
  if (response.status === 401) session.expired();
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, body);
  return body as { document?: DocumentInfo; duplicate: boolean };
}

/**
 * Upload by drag and drop (or the file chooser) of a scan of the chosen type; the type defaults to
 * the first one still missing.
 */
export function DocumentUploader({
  applicationId,
  missing,
  onUploaded,
}: {
  applicationId: string;
  missing: readonly DocumentType[];
  onUploaded?: () => void;
}) {
  const t = useT(messages);
  const label = useDocumentTypeLabel();
  const { message } = AntApp.useApp();
  const client = useQueryClient();
  // The type the user picked; else the first one still missing (after each upload, the next).
  const [picked, setPicked] = useState<DocumentType>();
  const type: DocumentType = picked ?? missing[0] ?? 'other';
  const [error, setError] = useState<string>();
  const options = useMemo(
    () =>
      [...missing, ...DOCUMENT_TYPES.filter((d) => !missing.includes(d))].map((d) => ({
        value: d,
        label: missing.includes(d) ? `${label(d)} · ${t('doc.absent')}` : label(d),
      })),
    [missing, label, t],
  );
  return (
    <div className="document-uploader">
      <Form layout="vertical" component="div">
        <Form.Item label={t('doc.type')} htmlFor="document-type" style={{ marginBottom: 12 }}>
          <Select
            id="document-type"
            value={type}
            onChange={setPicked}
            options={options}
            style={{ maxWidth: 360 }}
          />
        </Form.Item>
      </Form>
      <Upload.Dragger
        multiple
        showUploadList={false}
        accept=".jpg,.jpeg,.png,.tif,.tiff,.pdf,image/jpeg,image/png,image/tiff,application/pdf"
        customRequest={({ file, onSuccess, onError }) => {
          const blob = file as File;
          setError(undefined);
          uploadDocument(applicationId, type, blob)
            .then((out) => {
              void message.success(
                t(out.duplicate ? 'doc.duplicate' : 'doc.uploaded', { name: blob.name }),
              );
              void client.invalidateQueries({ queryKey: ['documents', applicationId] });
              void client.invalidateQueries({ queryKey: ['checklist', applicationId] });
              setPicked(undefined);
              onUploaded?.();
              onSuccess?.(out);
            })
            .catch((e: unknown) => {
              const reason =
                e instanceof ApiError
                  ? [e.detail ?? e.title, ...e.errors.map((x) => `${x.field}: ${x.message}`)]
                      .filter(Boolean)
                      .join('; ')
                  : String(e);
              setError(t('doc.failed', { reason }));
              onError?.(e as Error);
            });
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined aria-hidden />
        </p>
        <p className="ant-upload-text">{t('doc.drop')}</p>
        <p className="ant-upload-hint">{t('doc.dropHint')}</p>
      </Upload.Dragger>
      {error ? <Alert type="error" showIcon message={error} style={{ marginTop: 8 }} /> : null}
    </div>
  );
}

/** The checklist per stage: each required document, filed or missing. */
export function DocumentChecklist({ checklist }: { checklist: Checklist }) {
  const t = useT(messages);
  const stepT = useT();
  const label = useDocumentTypeLabel();
  const { language } = useLanguage();
  const stages = [...new Set(checklist.items.map((i) => i.stage))];
  const stageLabel = (stage: string) => {
    const own = t(`stage.${stage}` as 'stage.disbursement');
    if (own !== `stage.${stage}`) return own;
    const step = stepT(`step.${stage}` as 'step.investigation');
    return step === `step.${stage}` ? stage : step;
  };
  return (
    <div className="document-checklist" data-complete={checklist.complete}>
      {checklist.complete ? (
        <Alert type="success" showIcon message={t('doc.complete')} />
      ) : (
        <Alert
          type="warning"
          showIcon
          message={t('doc.missing', {
            list: checklist.missing.map(label).join(language === 'en' ? ', ' : '、'),
          })}
        />
      )}
      {stages.map((stage) => (
        <div key={stage} className="checklist-stage" style={{ marginTop: 8 }}>
          <Typography.Text strong>{stageLabel(stage)}</Typography.Text>
          <div style={{ marginTop: 4 }}>
            {checklist.items
              .filter((i) => i.stage === stage)
              .map((i) => (
                <Tag
                  key={i.documentType}
                  color={i.present ? 'green' : 'red'}
                  data-document-type={i.documentType}
                  data-present={i.present}
                  style={{ marginBottom: 4 }}
                >
                  {i.present ? '✓' : '✗'}{' '}
                  {language === 'en'
                    ? i.name || label(i.documentType)
                    : i.nameZh || label(i.documentType)}
                </Tag>
              ))}
          </div>
        </div>
      ))}
    </div>
  );
}

/** A blob URL of the document's bytes (a rendition when given), revoked when no longer shown. */
function useBlobUrl(path: string | undefined): { url?: string; blob?: Blob; error?: unknown } {
  const query = useQuery({
    queryKey: ['blob', path],
    enabled: !!path,
    staleTime: Infinity,
    gcTime: 60_000,
    queryFn: () => fetchBlob(path!),
  });
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!query.data) return;
    const u = URL.createObjectURL(query.data);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [query.data]);
  return { url, blob: query.data, error: query.error };
}

/** One document: a thumbnail that opens a zoomable viewer (images) or the PDF's pages. */
export function DocumentThumbnail({ doc }: { doc: DocumentInfo }) {
  const t = useT(messages);
  const label = useDocumentTypeLabel();
  const { language } = useLanguage();
  const isPdf = doc.mediaType === 'application/pdf';
  const [open, setOpen] = useState(false);
  const thumb = useBlobUrl(
    isPdf
      ? `/documents/${doc.id}/content`
      : `/documents/${doc.id}/content${doc.hasThumbnail ? '?rendition=thumbnail' : ''}`,
  );
  const full = useBlobUrl(
    isPdf ? undefined : `/documents/${doc.id}/content${doc.hasPreview ? '?rendition=preview' : ''}`,
  );
  const name = `${label(doc.documentType)} · ${doc.fileName}`;
  return (
    <Card
      size="small"
      className="document-card"
      data-document-id={doc.id}
      data-document-type={doc.documentType}
      cover={
        <div className="document-thumb">
          {isPdf ? (
            <button
              type="button"
              className="document-thumb-button"
              aria-label={`${t('doc.view')} ${name}`}
              onClick={() => setOpen(true)}
            >
              {thumb.blob ? (
                <PdfPages source={thumb.blob} maxPages={1} width={160} label={name} />
              ) : (
                <FilePdfOutlined style={{ fontSize: 48 }} aria-hidden />
              )}
            </button>
          ) : thumb.url ? (
            <Image
              src={thumb.url}
              alt={name}
              height={120}
              style={{ objectFit: 'cover' }}
              preview={{ src: full.url ?? thumb.url }}
            />
          ) : null}
        </div>
      }
    >
      <Card.Meta
        title={label(doc.documentType)}
        description={
          <Space direction="vertical" size={0}>
            <Typography.Text type="secondary" ellipsis style={{ maxWidth: 160 }}>
              {doc.fileName}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('doc.version', { v: doc.version })} · {dateTimeText(doc.uploadedAt, language)}
            </Typography.Text>
          </Space>
        }
      />
      {isPdf ? (
        <Modal
          open={open}
          title={name}
          onCancel={() => setOpen(false)}
          footer={<Button onClick={() => setOpen(false)}>{t('doc.close')}</Button>}
          width={840}
          destroyOnHidden
        >
          <div className="document-viewer">
            <PdfPages source={thumb.blob} label={t('doc.pages', { n: '' }).trim()} />
          </div>
        </Modal>
      ) : null}
    </Card>
  );
}

/**
 * 影像资料 of an application: the checklist per stage with what is missing, every document as a
 * thumbnail with its viewer, and (for those who may file) upload by drag and drop.
 */
export function DocumentsPanel({
  applicationId,
  canUpload,
  stage,
}: {
  applicationId: string;
  canUpload: boolean;
  /** Only this stage's checklist (a task page); every stage when absent. */
  stage?: string;
}) {
  const t = useT(messages);
  const { documents, checklist } = useApplicationDocuments(applicationId, stage);
  const docs = documents.data?.documents ?? [];
  return (
    <div className="documents-panel">
      <PageState
        loading={checklist.isLoading}
        error={checklist.error}
        retry={() => void checklist.refetch()}
      >
        {checklist.data ? <DocumentChecklist checklist={checklist.data} /> : null}
      </PageState>
      <div style={{ marginTop: 16 }}>
        <PageState
          loading={documents.isLoading}
          error={documents.error}
          retry={() => void documents.refetch()}
        >
          {docs.length === 0 ? (
            <Typography.Text type="secondary">{t('doc.none')}</Typography.Text>
          ) : (
            <Row gutter={[12, 12]}>
              {docs.map((d) => (
                <Col key={d.id} xs={12} sm={8} md={6} lg={4}>
                  <DocumentThumbnail doc={d} />
                </Col>
              ))}
            </Row>
          )}
        </PageState>
      </div>
      {canUpload ? (
        <div style={{ marginTop: 16 }}>
          <Typography.Title level={5}>{t('doc.upload')}</Typography.Title>
          <DocumentUploader applicationId={applicationId} missing={checklist.data?.missing ?? []} />
        </div>
      ) : null}
    </div>
  );
}
