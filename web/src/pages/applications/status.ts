/** The colour of each application status tag. */
export const STATUS_COLOURS: Record<string, string> = {
  draft: 'default',
  submitted: 'processing',
  withdrawn: 'default',
  approved: 'success',
  rejected: 'error',
  contracted: 'cyan',
  disbursed: 'green',
  declined: 'warning',
  expired: 'default',
};

export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'withdrawn',
  'approved',
  'rejected',
  'contracted',
  'disbursed',
  'declined',
  'expired',
] as const;
