import {
  businessDateInChina,
  commonEnv,
  isIsoDate,
  loadConfig,
  pemKey,
  port,
} from '@loanflow/platform';
import { z } from 'zod';
import { parseClassificationPolicy } from './domain/loan/classification';
import { parseMoney } from './domain/money';

/** Today in China (the bank's business calendar), for a book that has no business date yet. */
const todayInChina = () => businessDateInChina(new Date());

export const accountingEnv = z.object({
  ...commonEnv,
  ACCOUNTING_GRPC_HOST: z.string().default('0.0.0.0'),
  ACCOUNTING_GRPC_PORT: port(50053),
  ACCOUNTING_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('accounting'),
  AUTH_JWT_PUBLIC_KEY: pemKey('public'),
  DOCUMENTS_ADDR: z
    .string()
    .regex(/^[^:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:50054')
    .describe(
      "The documents service (host:port): the disbursement review's checklist, asked before a loan is opened.",
    ),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(5000),
  /** The bank's name as statements print it, in English and in Chinese. */
  BANK_NAME: z.string().trim().min(1).max(200).default('LoanFlow Demo Bank'),
  BANK_NAME_ZH: z.string().trim().min(1).max(200).default('LoanFlow 演示银行'),
  /** The first business date of a new book; ignored once the book has one. */
  ACCOUNTING_FIRST_BUSINESS_DATE: z
    .string()
    .refine(isIsoDate, 'must be a date as YYYY-MM-DD')
    .default(todayInChina),
  /** Days past due → lowest classification, e.g. "1:special_mention,91:substandard,271:doubtful,361:loss". */
  CLASSIFICATION_FLOORS: z
    .string()
    .default('1:special_mention,91:substandard,271:doubtful,361:loss')
    .transform((v, ctx) => {
      const policy = parseClassificationPolicy(v);
      if (typeof policy === 'string') {
        ctx.addIssue({ code: 'custom', message: policy });
        return z.NEVER;
      }
      return policy;
    }),
  /**
   * Product codes whose prepayments go wholly to principal (comma-separated). Every other
   * product's prepayment first settles the interest accrued to the day, as mainland banks do.
   */
  PREPAYMENT_PRINCIPAL_ONLY_PRODUCTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  /**
   * How far a cash repayment may exceed the loan's payoff amount (the excess is held as credit);
   * beyond it the repayment is refused as a typing error. Yuan, e.g. "100.00".
   */
  REPAYMENT_OVERPAYMENT_TOLERANCE: z
    .string()
    .default('100.00')
    .transform((v, ctx) => {
      const c = parseMoney(v);
      if (c === undefined || c < 0n) {
        ctx.addIssue({ code: 'custom', message: 'must be an amount of yuan such as "100.00"' });
        return z.NEVER;
      }
      return c;
    }),
  /** Loans per end-of-day transaction, and how many such transactions run at once. */
  EOD_CHUNK_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
  EOD_PARALLELISM: z.coerce.number().int().min(1).max(32).default(2),
  /**
   * Whether this process takes chunks of an end of day another process (a replica, the CronJob's
   * close-day) started: a larger book closes faster with more replicas.
   */
  EOD_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * How many days before an installment falls due the end of day announces it
   * (accounting.installment.due-soon: the borrower's repayment reminder); 0 announces none.
   */
  DUE_SOON_NOTICE_DAYS: z.coerce.number().int().min(0).max(60).default(3),
});

export type AccountingConfig = z.infer<typeof accountingEnv>;

export const loadAccountingConfig = (env: NodeJS.ProcessEnv = process.env): AccountingConfig =>
  loadConfig('accounting', accountingEnv, env);
