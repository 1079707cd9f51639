import { Alert, List, Space, Tag, Typography } from 'antd';
import type { components } from '../../api/schema';
import { dateTimeText } from '../../format/date';
import { defineMessages, register } from '../../i18n/catalogue';
import { useLanguage, useT } from '../../i18n/language';

type PreAssessment = NonNullable<components['schemas']['Application']['preAssessment']>;

const messages = register(
  defineMessages(
    {
      title: '预审结果',
      'opinion.recommend': '建议受理',
      'opinion.caution': '谨慎受理',
      'opinion.decline': '不予受理',
      'outcome.pass': '通过',
      'outcome.warn': '提示',
      'outcome.fail': '未通过',
      score: '评分 {score}',
      rules: '规则版本 {version} · {at}',
      none: '尚未预审',
    },
    {
      title: 'Pre-assessment',
      'opinion.recommend': 'Recommend',
      'opinion.caution': 'Caution',
      'opinion.decline': 'Decline',
      'outcome.pass': 'Pass',
      'outcome.warn': 'Warning',
      'outcome.fail': 'Fail',
      score: 'Score {score}',
      rules: 'Rule set {version} · {at}',
      none: 'Not assessed yet',
    },
  ),
);

const OPINION_TYPE = { recommend: 'success', caution: 'warning', decline: 'error' } as const;
const OUTCOME_COLOUR = { pass: 'green', warn: 'orange', fail: 'red' } as const;

/** The pre-assessment: its opinion and score, and each rule's outcome with its reason. */
export function PreAssessmentView({ value }: { value: PreAssessment | null }) {
  const t = useT(messages);
  const { language } = useLanguage();
  if (!value) return <Typography.Text type="secondary">{t('none')}</Typography.Text>;
  const opinion = value.opinion ?? 'caution';
  return (
    <div className="pre-assessment" data-opinion={opinion}>
      <Alert
        type={OPINION_TYPE[opinion]}
        showIcon
        message={
          <Space wrap>
            <strong>{t(`opinion.${opinion}`)}</strong>
            <span>{t('score', { score: value.score })}</span>
          </Space>
        }
        description={t('rules', {
          version: value.ruleSetVersion,
          at: dateTimeText(value.assessedAt, language),
        })}
      />
      <List
        size="small"
        dataSource={value.results}
        renderItem={(r) => (
          <List.Item className="pre-assessment-rule" data-outcome={r.outcome}>
            <Space align="start">
              <Tag color={OUTCOME_COLOUR[r.outcome]}>{t(`outcome.${r.outcome}`)}</Tag>
              <span>
                <Typography.Text code>{r.ruleId}</Typography.Text> {r.reason}
              </span>
            </Space>
          </List.Item>
        )}
      />
    </div>
  );
}
