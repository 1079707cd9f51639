import { notFound, type Pool, type Principal } from '@loanflow/platform';
import type { LoanProduct } from '../domain/products';
import { activeProducts, productByCode } from '../infra/catalogue-repo';

/** Any signed-in member of staff may read the catalogue. */
export async function listProducts(
  deps: { pool: Pool },
  _actor: Principal,
): Promise<LoanProduct[]> {
  return activeProducts(deps.pool);
}

export async function getProduct(
  deps: { pool: Pool },
  _actor: Principal,
  code: string,
): Promise<LoanProduct> {
  const product = await productByCode(deps.pool, code);
  if (!product) throw notFound(`product ${code}`);
  return product;
}
