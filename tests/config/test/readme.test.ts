import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSettings, type Setting } from '@kiln/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { agentSettings } from '../../../executors/agent/src/config.js';
import { gatewaySettings } from '../../../services/gateway/src/config.js';
import { workerSettings } from '../../../services/worker/src/config.js';

/**
 * The README's configuration table, the services' settings tables and compose say the same thing: every
 * setting an operator sets is documented with the default of its table and passed by compose with that
 * default, and the README documents nothing that does not exist.
 */

const root = join(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

const tables = { gateway: gatewaySettings, worker: workerSettings, agent: agentSettings };
type Service = keyof typeof tables;
const settingsOf = (service: Service) => listSettings(tables[service]);
const services = Object.keys(tables) as Service[];
const operatorSettings = services.flatMap((service) =>
  settingsOf(service)
    .filter((setting) => !setting.internal)
    .map((setting) => ({ service, setting })),
);

/** A default as the README and compose write it; undefined: the setting has none. */
function written(setting: Setting<unknown>): string | undefined {
  const value = setting.default;
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(':') : String(value);
}

/** The rows of the README's configuration table: each variable with its default (undefined: prose, "none"). */
function readmeRows(): Map<string, string | undefined> {
  const section =
    read('README.md')
      .split(/^## Configuration$/m)[1]
      ?.split(/^## /m)[0] ?? '';
  const rows = new Map<string, string | undefined>();
  for (const line of section.split('\n').filter((row) => row.startsWith('| `'))) {
    const [names = '', defaults = ''] = line.split('|').slice(1);
    const variables = [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!);
    // `a` / `b` pairs with its variables in order; a single default (or prose) stands for all of them.
    const values = defaults.trim().split(' / ');
    variables.forEach((variable, i) => {
      const value = (values.length === variables.length ? values[i] : values[0])!;
      rows.set(variable, /^`(.*)`$/.exec(value.trim())?.[1]);
    });
  }
  return rows;
}

/** The environment compose gives each service's containers (YAML merge keys applied), per compose file. */
function composeEnvironments(file: string): Array<{ service: Service; environment: Record<string, string> }> {
  // Compose's own tags (!override, !reset) change nothing this test reads.
  const compose = parse(read(file), { merge: true, logLevel: 'error' }) as {
    services: Record<string, { environment?: Record<string, string | number | boolean> }>;
  };
  return Object.entries(compose.services).flatMap(([name, container]) => {
    const service = name.startsWith('executor-') ? 'agent' : name;
    if (!(service in tables) || !container.environment) return [];
    const environment = Object.fromEntries(
      Object.entries(container.environment).map(([key, value]) => [key, String(value)]),
    );
    return [{ service: service as Service, environment }];
  });
}

/**
 * Settings compose does not pass although an operator may set them: the gateway's port is the one compose
 * publishes it on, and a key file needs a mount as well (README, "Access control": compose.override.yaml).
 */
const NOT_PASSED_BY_COMPOSE = new Set(['gateway KILN_PORT', 'gateway KILN_API_KEYS_FILE']);

const rows = readmeRows();
const composed = composeEnvironments('compose.yaml');

describe("the README's configuration table", () => {
  it('is found', () => {
    expect(rows.size).toBeGreaterThan(30);
  });

  it('documents every setting an operator sets, with the default of its table', () => {
    const wrong = operatorSettings.flatMap(({ service, setting }) => {
      if (!rows.has(setting.env)) return [`${setting.env} (${service}) is not in the README`];
      const documented = rows.get(setting.env);
      return documented === written(setting)
        ? []
        : [`${setting.env} (${service}): the README says ${documented}, the table ${written(setting)}`];
    });
    expect(wrong).toEqual([]);
  });

  it('documents only settings of the tables and variables compose.yaml uses, with their defaults', () => {
    const tableVariables = new Set(services.flatMap((service) => settingsOf(service).map(({ env }) => env)));
    const compose = read('compose.yaml');
    const wrong = [...rows].flatMap(([variable, documented]) => {
      if (tableVariables.has(variable)) return [];
      const defaults = new Set(
        [...compose.matchAll(new RegExp(`\\$\\{${variable}(?::-([^}]*))?\\}`, 'g'))].map((match) => match[1]),
      );
      if (defaults.size === 0) return [`${variable} is in no settings table and not used by compose.yaml`];
      const differs = documented !== undefined && (defaults.size !== 1 || !defaults.has(documented));
      return differs ? [`${variable}: the README says ${documented}, compose.yaml ${[...defaults]}`] : [];
    });
    expect(wrong).toEqual([]);
  });
});

describe('compose', () => {
  it('passes every setting an operator sets to each service that reads it, under its own name', () => {
    const missing = operatorSettings.flatMap(({ service, setting }) =>
      composed
        .filter((container) => container.service === service)
        .filter(
          ({ environment }) => environment[setting.env] !== `\${${setting.env}:-${written(setting) ?? ''}}`,
        )
        .filter(() => !NOT_PASSED_BY_COMPOSE.has(`${service} ${setting.env}`))
        .map(({ environment }) => `${service} ${setting.env}: ${environment[setting.env] ?? 'not passed'}`),
    );
    expect(missing).toEqual([]);
  });

  it('sets only variables the service reads (KILN_LOG_LEVEL, not LOG_LEVEL)', () => {
    const wrong = ['compose.yaml', 'compose.test.yaml'].flatMap((file) =>
      composeEnvironments(file).flatMap(({ service, environment }) => {
        const names = new Set(settingsOf(service).map(({ env }) => env));
        return Object.keys(environment)
          .filter((variable) => !names.has(variable))
          .map((variable) => `${file}: ${service} is given ${variable}, which it does not read`);
      }),
    );
    expect(wrong).toEqual([]);
  });
});
