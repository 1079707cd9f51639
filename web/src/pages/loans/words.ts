import { defineMessages, register } from '../../i18n/catalogue';

/** The words of loan accounts, shared by the loan pages, post-loan and the reports. */
export const loanWords = register(
  defineMessages(
    {
      'tier.normal': '正常',
      'tier.special_mention': '关注',
      'tier.substandard': '次级',
      'tier.doubtful': '可疑',
      'tier.loss': '损失',
      'loanStatus.active': '正常还款',
      'loanStatus.closed': '已结清',
      'loanStatus.written_off': '已核销',
      'inst.scheduled': '未到期',
      'inst.due': '已出账',
      'inst.overdue': '逾期',
      'inst.paid': '已还清',
    },
    {
      'tier.normal': 'Normal',
      'tier.special_mention': 'Special mention',
      'tier.substandard': 'Substandard',
      'tier.doubtful': 'Doubtful',
      'tier.loss': 'Loss',
      'loanStatus.active': 'Active',
      'loanStatus.closed': 'Closed',
      'loanStatus.written_off': 'Written off',
      'inst.scheduled': 'Scheduled',
      'inst.due': 'Due',
      'inst.overdue': 'Overdue',
      'inst.paid': 'Paid',
    },
  ),
);

export const TIERS = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;
export const TIER_COLORS: Record<string, string> = {
  // Solid tags, white text with AA contrast.
  normal: '#237804',
  special_mention: '#874d00',
  substandard: '#ad4e00',
  doubtful: '#a8071a',
  loss: '#5c0011',
};
