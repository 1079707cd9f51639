import { describe, expect, it } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { grpcCodeName, serviceOfGrpcName, splitGrpcPath, withTimeout } from '../src/metrics';

describe('metric labels', () => {
  it('names gRPC codes as go-grpc-prometheus does', () => {
    expect(grpcCodeName(status.OK)).toBe('OK');
    expect(grpcCodeName(status.INVALID_ARGUMENT)).toBe('InvalidArgument');
    expect(grpcCodeName(status.NOT_FOUND)).toBe('NotFound');
    expect(grpcCodeName(status.DEADLINE_EXCEEDED)).toBe('DeadlineExceeded');
    expect(grpcCodeName(status.UNKNOWN)).toBe('Unknown');
    expect(grpcCodeName(status.UNAUTHENTICATED)).toBe('Unauthenticated');
    expect(grpcCodeName(99)).toBe('99');
  });

  it('takes the service from the proto package loanflow.<service>.v<n>', () => {
    expect(serviceOfGrpcName('loanflow.accounting.v1.PostLoanService')).toBe('accounting');
    expect(serviceOfGrpcName('loanflow.post_loan.v2.Desk')).toBe('post_loan');
    expect(serviceOfGrpcName('grpc.health.v1.Health')).toBeUndefined();
    expect(serviceOfGrpcName('loanflow.accounting.AccountingService')).toBeUndefined();
    expect(serviceOfGrpcName('xloanflow.accounting.v1.A')).toBeUndefined();
  });

  it('splits a method path into its service and method', () => {
    expect(splitGrpcPath('/loanflow.identity.v1.IdentityService/Login')).toEqual({
      service: 'loanflow.identity.v1.IdentityService',
      method: 'Login',
    });
    expect(splitGrpcPath('Login')).toBeUndefined();
    expect(splitGrpcPath('/a/b/c')).toBeUndefined();
  });

  it('gives up on a slow source after its time, naming it', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'consumer info')).rejects.toThrow(
      'consumer info: no answer within 20 ms',
    );
    await expect(withTimeout(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
  });
});
