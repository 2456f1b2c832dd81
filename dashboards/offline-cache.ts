/**
 * Framework 1.13 builds its optional client modules (DuckDB-Wasm, ECharts, React, ...) even when
 * no page uses them, and on a clean cache asks registry.npmjs.org which version each one is. A
 * folder `.observablehq/cache/_npm/<name>@<version>` answers that question locally, so creating
 * them first makes the build independent of any registry. The modules themselves are never
 * downloaded: no page imports them (see README "Dashboards"). Versions are those Framework
 * resolved when this list was made; any version would do, since only the name of the path uses it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const OFFLINE_NPM_VERSIONS: readonly string[] = [
  '@observablehq/plot@0.6.17',
  '@observablehq/sample-datasets@1.0.1',
  'apache-arrow@21.2.0',
  'arquero@8.0.3',
  'd3@7.9.2',
  'd3-dsv@3.0.2',
  'echarts@6.1.0',
  'htl@1.0.0',
  'leaflet@1.9.4',
  'lodash@4.18.1',
  'mapbox-gl@3.32.0',
  'parquet-wasm@0.8.0',
  'react@19.3.1',
  'react-dom@19.3.1',
  'topojson-client@3.1.0',
];

export async function prepareOfflineNpmCache(srcDir: string): Promise<void> {
  for (const entry of OFFLINE_NPM_VERSIONS) {
    await mkdir(join(srcDir, '.observablehq', 'cache', '_npm', entry), { recursive: true });
  }
}
