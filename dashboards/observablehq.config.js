/**
 * Observable Framework configuration for the meshwatch dashboards.
 *
 * Air-gapped by construction: no global stylesheets (the default pulls Google Fonts), a footer
 * without outside links, no search index, and every library imported by bare specifier from
 * node_modules (see README "Dashboards"). The build (dashboards/build.ts) passes the lake, "now"
 * and the product domains through the environment; the domains become one health page each.
 */
const DOMAIN_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const domains = (process.env.MESHWATCH_DASHBOARD_DOMAINS ?? '')
  .split(',')
  .map((domain) => domain.trim())
  .filter((domain) => DOMAIN_NAME.test(domain));

export default {
  title: 'meshwatch',
  root: 'src',
  output: 'dist',
  globalStylesheets: [],
  style: 'style.css',
  footer:
    'meshwatch dashboards: built from the lake named on the overview page. This site shows personal data; serve it only behind authentication.',
  // An inline icon: otherwise the browser asks the server for /favicon.ico, which the site lacks.
  head: '<link rel="icon" href="data:,">',
  search: false,
  toc: false,
  pager: false,
  pages: [
    { name: 'Security: PII access', path: '/security' },
    { name: 'Finance: chargeback', path: '/finance' },
    {
      name: 'Domain owners: product health',
      open: true,
      pages: [
        { name: 'All products', path: '/health' },
        ...domains.map((domain) => ({ name: domain, path: `/health/${domain}` })),
      ],
    },
    { name: 'Governance: grant drift', path: '/governance' },
    { name: 'On-call: alerts', path: '/oncall' },
  ],
  dynamicPaths: domains.map((domain) => `/health/${domain}`),
  // Loaders are TypeScript; run them with the same Node and tsx that run the CLI.
  interpreters: { '.ts': [process.execPath, '--import', import.meta.resolve('tsx')] },
};
