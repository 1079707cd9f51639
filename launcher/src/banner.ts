import { DEMO_DIRECTORY, DEMO_PASSWORD } from '@loanflow/identity';
import type { LocalInfrastructure } from './infra';
import type { ServiceName } from './topology';

/** What `npm start` and `npm run start:services` print once the system answers. */
export function banner(
  url: string,
  addresses: Record<ServiceName, string>,
  infra: LocalInfrastructure['describe'],
): string {
  const width = Math.max(...DEMO_DIRECTORY.users.map((u) => u.username.length));
  return [
    '',
    `LoanFlow is running at ${url}`,
    `  Workbench    ${url}/  (信贷工作台: log in as a demo user below; phones too)`,
    `  API docs     ${url}/docs    (OpenAPI: ${url}/openapi.json)`,
    `  Health       ${url}/healthz  ${url}/readyz`,
    `  Database     ${infra.database}; events: ${infra.events}`,
    `  Reports      ${url}/api/v1/reports/portfolio  (streams: ${infra.reportStreams})`,
    `  gRPC         identity on ${addresses.identity}, applications on ${addresses.applications}, workflow on ${addresses.workflow}, accounting on ${addresses.accounting}, documents on ${addresses.documents}, notifications on ${addresses.notifications}, reporting on ${addresses.reporting} (S3 ${infra.objectStore})`,
    '',
    `Demo logins (password "${DEMO_PASSWORD}"):`,
    ...DEMO_DIRECTORY.users.map(
      (u) => `  ${u.username.padEnd(width)}  ${u.branchId.padEnd(8)} ${u.roles.join(', ')}`,
    ),
    '',
    'Try:',
    `  TOKEN=$(curl -s -X POST ${url}/api/v1/auth/login -H 'content-type: application/json' \\`,
    `    -d '{"username":"am.li","password":"${DEMO_PASSWORD}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
    `  curl -s ${url}/api/v1/applications -H "authorization: Bearer $TOKEN"`,
    '',
    'Stop with Ctrl-C.',
  ].join('\n');
}
