import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText, scenarioSchemaPath } from './scenario/json-schema.js';

// `npm run schemas`: rewrites the schema files exported from code (compiled to dist/sim/, two levels below the root).
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
writeFileSync(join(root, scenarioSchemaPath), scenarioJsonSchemaText());
