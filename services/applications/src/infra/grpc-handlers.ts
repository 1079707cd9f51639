import {
  implement,
  refusingNul,
  unauthenticated,
  verifyServiceToken,
  type CallContext,
  type Logger,
  type ServiceBinding,
} from '@loanflow/platform';
import { applicationsV1 as pb } from '@loanflow/proto';
import {
  createApplication,
  findApplications,
  getApplication,
  submitApplication,
  updateApplication,
  withdrawApplication,
  type ApplicationDeps,
  type DraftInput,
} from '../app/applications';
import { createCustomer, getCustomer, searchCustomers, type CustomerDeps } from '../app/customers';
import {
  CONTACT_CALLERS,
  discloseBorrowerContact,
  discloseBorrowerIdentity,
} from '../app/disclosures';
import { listProducts, getProduct } from '../app/products';
import {
  applicationToPb,
  customerToPb,
  fromPbCustomerType,
  toPbCustomerType,
  fromPbMethod,
  fromPbStatus,
  productToPb,
} from './proto-mapping';

const SERVICE = 'loanflow.applications.v1.ApplicationsService';

function draftInput(d: pb.ApplicationDraft | undefined): DraftInput {
  const draft = pb.ApplicationDraft.fromPartial(d ?? {});
  return { ...draft, repaymentMethod: fromPbMethod(draft.repaymentMethod) };
}

/** snake_case names of the proto (update_mask) → the use case's field names. */
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function applicationsService(
  deps: ApplicationDeps & CustomerDeps,
  opts: {
    log: Logger;
    jwtPublicKey: string;
    /** Verifies service tokens; without it no service-to-service call is accepted. */
    serviceTokenPublicKey?: string;
  },
): ServiceBinding {
  const who = (ctx: CallContext) => ctx.principal();
  /** The calling service its service token names (a user's token is not one). */
  const callingService = (ctx: CallContext, allowed: readonly string[]) => {
    if (!opts.serviceTokenPublicKey) throw unauthenticated('service calls are not configured');
    return verifyServiceToken(ctx.token(), opts.serviceTokenPublicKey, allowed);
  };
  const handlers = {
    createCustomer: async (
      req: pb.CreateCustomerRequest,
      ctx: CallContext,
    ): Promise<pb.CreateCustomerResponse> => {
      const customer = await createCustomer(deps, who(ctx), {
        type: fromPbCustomerType(req.type),
        name: req.name,
        branchId: req.branchId,
        individual: req.individual,
        corporate: req.corporate,
      });
      return { customer: customerToPb(customer) };
    },
    getCustomer: async (
      req: pb.GetCustomerRequest,
      ctx: CallContext,
    ): Promise<pb.GetCustomerResponse> => ({
      customer: customerToPb(await getCustomer(deps, who(ctx), req.id)),
    }),
    findCustomers: async (
      req: pb.FindCustomersRequest,
      ctx: CallContext,
    ): Promise<pb.FindCustomersResponse> => {
      const found = await searchCustomers(deps, who(ctx), req);
      return { customers: found.customers.map(customerToPb), nextPageToken: found.nextPageToken };
    },
    listProducts: async (
      _req: pb.ListProductsRequest,
      ctx: CallContext,
    ): Promise<pb.ListProductsResponse> => ({
      products: (await listProducts(deps, who(ctx))).map(productToPb),
    }),
    getProduct: async (
      req: pb.GetProductRequest,
      ctx: CallContext,
    ): Promise<pb.GetProductResponse> => ({
      product: productToPb(await getProduct(deps, who(ctx), req.code)),
    }),
    createApplication: async (
      req: pb.CreateApplicationRequest,
      ctx: CallContext,
    ): Promise<pb.CreateApplicationResponse> => ({
      application: applicationToPb(await createApplication(deps, who(ctx), draftInput(req.draft))),
    }),
    updateApplication: async (
      req: pb.UpdateApplicationRequest,
      ctx: CallContext,
    ): Promise<pb.UpdateApplicationResponse> => ({
      application: applicationToPb(
        await updateApplication(
          deps,
          who(ctx),
          req.id,
          draftInput(req.draft),
          req.updateMask.map(camel),
          req.expectedVersion,
        ),
      ),
    }),
    getApplication: async (
      req: pb.GetApplicationRequest,
      ctx: CallContext,
    ): Promise<pb.GetApplicationResponse> => ({
      application: applicationToPb(await getApplication(deps, who(ctx), req.id)),
    }),
    listApplications: async (
      req: pb.ListApplicationsRequest,
      ctx: CallContext,
    ): Promise<pb.ListApplicationsResponse> => {
      const found = await findApplications(deps, who(ctx), {
        status: fromPbStatus(req.status),
        customerId: req.customerId || undefined,
        productCode: req.productCode || undefined,
        branchId: req.branchId || undefined,
        pageSize: req.pageSize,
        pageToken: req.pageToken,
      });
      return {
        applications: found.applications.map(applicationToPb),
        nextPageToken: found.nextPageToken,
      };
    },
    submitApplication: async (
      req: pb.SubmitApplicationRequest,
      ctx: CallContext,
    ): Promise<pb.SubmitApplicationResponse> => ({
      application: applicationToPb(await submitApplication(deps, who(ctx), req.id, ctx.token())),
    }),
    withdrawApplication: async (
      req: pb.WithdrawApplicationRequest,
      ctx: CallContext,
    ): Promise<pb.WithdrawApplicationResponse> => ({
      application: applicationToPb(await withdrawApplication(deps, who(ctx), req.id, req.reason)),
    }),
    getBorrowerIdentity: async (
      req: pb.GetBorrowerIdentityRequest,
      ctx: CallContext,
    ): Promise<pb.GetBorrowerIdentityResponse> => {
      const b = await discloseBorrowerIdentity(deps, who(ctx), req.applicationId, req.purpose);
      return { ...b, customerType: toPbCustomerType(b.customerType) };
    },
    getBorrowerContact: async (
      req: pb.GetBorrowerContactRequest,
      ctx: CallContext,
    ): Promise<pb.GetBorrowerContactResponse> => {
      const service = callingService(ctx, CONTACT_CALLERS);
      const c = await discloseBorrowerContact(deps, service, req);
      return { ...c, customerType: toPbCustomerType(c.customerType) };
    },
  };
  return {
    name: SERVICE,
    definition: pb.ApplicationsServiceService,
    implementation: implement(SERVICE, refusingNul(handlers), opts),
  };
}
