import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, data } from '../api/client';
import type { components } from '../api/schema';
import { useLanguage } from '../i18n/language';

export type Product = components['schemas']['Product'];

/** The bank's loan products (rarely change: fetched once per session). */
export function useProducts() {
  return useQuery({
    queryKey: ['products'],
    queryFn: () => data(api.GET('/products')),
    staleTime: 10 * 60_000,
  });
}

/** A product's name in the current language (its code until the products have loaded). */
export function useProductName(): (code: string | null | undefined) => string {
  const { language } = useLanguage();
  const products = useProducts();
  return useCallback(
    (code) => {
      if (!code) return '—';
      const p = products.data?.items.find((x) => x.code === code);
      if (!p) return code;
      return language === 'en' ? p.name : p.nameZh || p.name;
    },
    [products.data, language],
  );
}
