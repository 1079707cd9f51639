/**
 * Products, customers and loan applications (the applications service). Customers and
 * applications are entered by the front office; everyone signed in may read within their branch
 * scope, which the service applies.
 */
import type { Role } from '@loanflow/platform';
import { applicationsV1 as pb, repaymentMethodWords } from '@loanflow/proto';
import { z } from 'zod';
import { created, defineRoute, ok, type Reply, type RouteSpec } from '../api/route';
import { idParams, int, money, name, page, text, uuid } from '../api/schemas';
import {
  Application,
  APPLICATION_STATUSES,
  applicationJson,
  applicationStatusWords,
  Customer,
  customerJson,
  customerTypeWords,
  Product,
  productJson,
} from '../representations';
import type { RouteDeps } from './deps';

/** Who may enter customers and applications (the owning service checks again, with branch scope). */
const FRONT_OFFICE: Role[] = ['account_manager', 'corporate_lending'];

/** A vocabulary word; the refusal names every allowed word (old words are told what to say). */
const oneOf = (words: readonly string[]) =>
  z.enum(words as [string, ...string[]], { error: `must be one of ${words.join(', ')}` });

/** A branch code such as `SH001-01`. */
const branchId = text(32, 1);

const CustomerInput = z
  .strictObject({
    type: oneOf(customerTypeWords.words),
    name: name(200),
    branchId: branchId.optional().meta({ description: "Defaults to the caller's branch" }),
    individual: z
      .strictObject({
        residentId: text(32).meta({ description: 'GB 11643 resident ID number (checked)' }),
        mobile: text(32),
        address: text(500).optional(),
        occupation: text(100).optional(),
        employer: text(200).optional(),
        monthlyIncome: money.optional(),
      })
      .optional(),
    corporate: z
      .strictObject({
        creditCode: text(32).meta({ description: 'GB 32100 unified social credit code (checked)' }),
        legalRepresentative: text(100),
        registeredCapital: money.optional(),
        industry: text(100).optional(),
        annualRevenue: money.optional(),
        contactMobile: text(32).optional(),
      })
      .optional(),
  })
  .meta({ id: 'CustomerInput' });

const CUSTOMER_KEYS = ['residentId', 'creditCode', 'mobile', 'name'] as const;
const CustomerQuery = z
  .strictObject({
    residentId: text(32).optional(),
    creditCode: text(32).optional(),
    mobile: text(32).optional(),
    name: text(200).optional(),
    ...page,
  })
  .refine((q) => CUSTOMER_KEYS.filter((k) => q[k] !== undefined).length === 1, {
    message: `give exactly one of ${CUSTOMER_KEYS.join(', ')}`,
  });

const draftShape = {
  customerId: uuid,
  productCode: text(64, 1),
  amount: money,
  termMonths: int(1, 600),
  repaymentMethod: oneOf(repaymentMethodWords.words),
  ratePercent: z
    .string({ error: 'must be a decimal string such as "4.35"' })
    .regex(/^\d{1,2}(\.\d{1,4})?$/, 'must be a decimal string such as "4.35"')
    .optional()
    .meta({
      description:
        "Annual rate in percent, up to four fraction digits; defaults to the product's reference rate",
    }),
  purpose: text(1000),
  businessSituation: text(4000).optional(),
  monthlyIncome: money.optional(),
  existingMonthlyDebtPayments: money.optional(),
};
const ApplicationInput = z.strictObject(draftShape).meta({ id: 'ApplicationInput' });
const ApplicationPatch = z
  .strictObject(
    Object.fromEntries(Object.entries(draftShape).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof draftShape]: z.ZodOptional<(typeof draftShape)[K]>;
    },
  )
  .meta({ id: 'ApplicationPatch', description: 'Any fields of ApplicationInput' });

const ApplicationQuery = z.strictObject({
  status: oneOf(APPLICATION_STATUSES).optional(),
  customerId: uuid.optional(),
  productCode: text(64).optional(),
  branchId: text(32).optional(),
  ...page,
});

/** `If-Match: "3"`; absent → no check, so `"0"` is refused rather than passed on as "no check". */
const IfMatch = z.object({
  'if-match': z
    .string()
    .regex(/^(?:W\/)?"[1-9]\d{0,8}"$/, 'must be the ETag of the application, e.g. "3"')
    .transform((h) => Number(/"(\d+)"/.exec(h)![1]))
    .optional(),
});

const WithdrawInput = z.strictObject({ reason: text(1000, 1) });

const etag = {
  ETag: { description: 'The version of the application, for If-Match', schema: z.string() },
};
const location = { Location: { description: 'Where the new resource is', schema: z.string() } };
const page_ = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ items: z.array(item), nextPageToken: z.string().nullable() }).meta({ id });

const applicationReply = (a: pb.Application, status = 200, headers: Record<string, string> = {}) =>
  ({
    status,
    body: applicationJson(a),
    headers: { ETag: `"${a.version}"`, ...headers },
  }) satisfies Reply;

export function applicationRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    defineRoute({
      operationId: 'listProducts',
      method: 'get',
      path: '/products',
      tag: 'Products',
      summary: 'Loan products',
      access: { signedIn: true },
      grpc: 'loanflow.applications.v1.ApplicationsService/ListProducts',
      responses: {
        200: { description: 'Every product', schema: z.object({ items: z.array(Product) }) },
      },
      async handle({ call }) {
        const out = await deps.applications.listProducts({}, call);
        return ok({ items: out.products.map(productJson) });
      },
    }),
    defineRoute({
      operationId: 'getProduct',
      method: 'get',
      path: '/products/{code}',
      tag: 'Products',
      summary: 'One loan product',
      access: { signedIn: true },
      grpc: 'loanflow.applications.v1.ApplicationsService/GetProduct',
      request: {
        params: z.strictObject({
          code: z
            .string()
            .regex(/^[A-Z0-9_]{1,64}$/, 'must be a product code such as PERSONAL_CONSUMER'),
        }),
      },
      responses: {
        200: { description: 'The product', schema: Product },
        404: { description: 'No such product' },
      },
      async handle({ params, call }) {
        const out = await deps.applications.getProduct({ code: params.code }, call);
        return ok(productJson(out.product!));
      },
    }),
    defineRoute({
      operationId: 'createCustomer',
      method: 'post',
      path: '/customers',
      tag: 'Customers',
      summary: 'Enter a customer (account manager, corporate lending)',
      access: { roles: FRONT_OFFICE },
      grpc: 'loanflow.applications.v1.ApplicationsService/CreateCustomer',
      idempotent: true,
      request: { body: CustomerInput },
      responses: {
        201: { description: 'Created', schema: Customer, headers: location },
        409: {
          description:
            'The identity number or credit code is already a customer of a branch the caller sees',
        },
        422: { description: 'Idempotency key reused' },
      },
      async handle({ body, call }) {
        const out = await deps.applications.createCustomer(
          pb.CreateCustomerRequest.fromPartial({
            type: customerTypeWords.value(body.type),
            name: body.name,
            branchId: body.branchId ?? '',
            individual: body.individual,
            corporate: body.corporate,
          }),
          call,
        );
        const customer = out.customer!;
        return created(customerJson(customer), {
          Location: `/api/v1/customers/${customer.id}`,
        });
      },
    }),
    defineRoute({
      operationId: 'findCustomers',
      method: 'get',
      path: '/customers',
      tag: 'Customers',
      summary:
        'Find customers by exactly one of residentId, creditCode, mobile (exact) or name (prefix)',
      access: { signedIn: true },
      grpc: 'loanflow.applications.v1.ApplicationsService/FindCustomers',
      request: { query: CustomerQuery },
      responses: {
        200: { description: 'A page of customers', schema: page_(Customer, 'CustomerPage') },
      },
      async handle({ query, call }) {
        const { name: namePrefix, ...q } = query;
        const out = await deps.applications.findCustomers(
          pb.FindCustomersRequest.fromPartial({ ...q, namePrefix: namePrefix ?? '' }),
          call,
        );
        return ok({
          items: out.customers.map(customerJson),
          nextPageToken: out.nextPageToken || null,
        });
      },
    }),
    defineRoute({
      operationId: 'getCustomer',
      method: 'get',
      path: '/customers/{id}',
      tag: 'Customers',
      summary: 'One customer',
      access: { signedIn: true },
      grpc: 'loanflow.applications.v1.ApplicationsService/GetCustomer',
      request: { params: idParams },
      responses: {
        200: { description: 'The customer', schema: Customer },
        404: { description: 'No such customer' },
      },
      async handle({ params, call }) {
        const out = await deps.applications.getCustomer({ id: params.id }, call);
        return ok(customerJson(out.customer!));
      },
    }),
    defineRoute({
      operationId: 'createApplication',
      method: 'post',
      path: '/applications',
      tag: 'Applications',
      summary: 'Create a draft loan application',
      access: { roles: FRONT_OFFICE },
      grpc: 'loanflow.applications.v1.ApplicationsService/CreateApplication',
      idempotent: true,
      request: { body: ApplicationInput },
      responses: {
        201: { description: 'Created', schema: Application, headers: { ...etag, ...location } },
        422: { description: 'Idempotency key reused' },
      },
      async handle({ body, call }) {
        const out = await deps.applications.createApplication(
          pb.CreateApplicationRequest.fromPartial({
            draft: { ...body, repaymentMethod: repaymentMethodWords.value(body.repaymentMethod) },
          }),
          call,
        );
        const a = out.application!;
        return applicationReply(a, 201, { Location: `/api/v1/applications/${a.id}` });
      },
    }),
    defineRoute({
      operationId: 'listApplications',
      method: 'get',
      path: '/applications',
      tag: 'Applications',
      summary: 'List applications, newest first (branch-scoped)',
      access: { signedIn: true },
      grpc: 'loanflow.applications.v1.ApplicationsService/ListApplications',
      request: { query: ApplicationQuery },
      responses: {
        200: {
          description: 'A page of applications',
          schema: page_(Application, 'ApplicationPage'),
        },
      },
      async handle({ query, call }) {
        const out = await deps.applications.listApplications(
          pb.ListApplicationsRequest.fromPartial({
            ...query,
            status: query.status ? applicationStatusWords.value(query.status) : undefined,
          }),
          call,
        );
        return ok({
          items: out.applications.map(applicationJson),
          nextPageToken: out.nextPageToken || null,
        });
      },
    }),
    defineRoute({
      operationId: 'getApplication',
      method: 'get',
      path: '/applications/{id}',
      tag: 'Applications',
      summary: 'One application (ETag = version)',
      access: { signedIn: true },
      grpc: 'loanflow.applications.v1.ApplicationsService/GetApplication',
      request: { params: idParams },
      responses: {
        200: { description: 'The application', schema: Application, headers: etag },
        404: { description: 'No such application' },
      },
      async handle({ params, call }) {
        const out = await deps.applications.getApplication({ id: params.id }, call);
        return applicationReply(out.application!);
      },
    }),
    defineRoute({
      operationId: 'updateApplication',
      method: 'patch',
      path: '/applications/{id}',
      tag: 'Applications',
      summary: 'Edit a draft; send If-Match with the ETag to guard against lost updates',
      access: { roles: FRONT_OFFICE },
      grpc: 'loanflow.applications.v1.ApplicationsService/UpdateApplication',
      request: { params: idParams, headers: IfMatch, body: ApplicationPatch },
      responses: {
        200: { description: 'The edited draft', schema: Application, headers: etag },
        404: { description: 'No such application' },
        409: { description: 'Changed since If-Match, or not a draft' },
      },
      async handle({ params, headers, body, call }) {
        const mask = Object.keys(body).map((k) =>
          k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
        );
        const out = await deps.applications.updateApplication(
          pb.UpdateApplicationRequest.fromPartial({
            id: params.id,
            draft: {
              ...body,
              repaymentMethod: body.repaymentMethod
                ? repaymentMethodWords.value(body.repaymentMethod)
                : undefined,
            },
            updateMask: mask,
            expectedVersion: headers['if-match'] ?? 0,
          }),
          call,
        );
        return applicationReply(out.application!);
      },
    }),
    defineRoute({
      operationId: 'submitApplication',
      method: 'post',
      path: '/applications/{id}/submit',
      tag: 'Applications',
      summary: 'Submit a draft: runs the pre-assessment and starts the approval process',
      access: { roles: FRONT_OFFICE },
      grpc: 'loanflow.applications.v1.ApplicationsService/SubmitApplication',
      idempotent: true,
      request: { params: idParams },
      responses: {
        200: { description: 'Submitted (or declined)', schema: Application, headers: etag },
        404: { description: 'No such application' },
        409: { description: 'Not a draft' },
      },
      async handle({ params, call }) {
        const out = await deps.applications.submitApplication({ id: params.id }, call);
        return applicationReply(out.application!);
      },
    }),
    defineRoute({
      operationId: 'withdrawApplication',
      method: 'post',
      path: '/applications/{id}/withdraw',
      tag: 'Applications',
      summary:
        'Withdraw a draft or submitted application; its approval process ends before the answer (open tasks cancelled with the reason)',
      access: { roles: FRONT_OFFICE },
      grpc: [
        'loanflow.applications.v1.ApplicationsService/WithdrawApplication',
        'loanflow.workflow.v1.WorkflowService/TerminateProcess',
      ],
      idempotent: true,
      request: { params: idParams, body: WithdrawInput },
      responses: {
        200: { description: 'Withdrawn', schema: Application, headers: etag },
        404: { description: 'No such application' },
        409: { description: 'Cannot be withdrawn now' },
      },
      async handle({ params, body, call }) {
        const out = await deps.applications.withdrawApplication(
          { id: params.id, reason: body.reason },
          call,
        );
        const a = out.application!;
        // End the approval now, so nobody acts on its tasks after this answer; should this call
        // fail, the application.withdrawn event ends it a moment later.
        await deps.workflow
          .terminateProcess(
            {
              applicationId: a.id,
              cause: 'withdrawn',
              reason: body.reason,
              idempotencyKey: `withdraw:${a.id}`,
            },
            call,
          )
          .catch((err: unknown) => {
            deps.log?.warn(
              { err, applicationId: a.id },
              'the process was not ended now; the withdrawn event will end it',
            );
          });
        return applicationReply(a);
      },
    }),
  ];
}
