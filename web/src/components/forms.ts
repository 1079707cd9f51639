import type { FormInstance } from 'antd';
import { formFieldErrors } from '../api/problem';

/**
 * Puts the API's field errors (problem+json `errors`) beside the form fields they name; returns
 * the messages that name no field of the form, for an alert above it.
 */
export function showFieldErrors<T>(
  form: FormInstance<T>,
  error: unknown,
  fieldNames: readonly string[],
): string[] {
  const { fields, rest } = formFieldErrors(error, fieldNames);
  form.setFields(fields as Parameters<FormInstance<T>['setFields']>[0]);
  return rest;
}
