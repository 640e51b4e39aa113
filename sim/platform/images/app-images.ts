import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { RehearsalError } from '../../util/errors.js';
import { packageRoot } from '../../util/paths.js';
import type { BaseImage } from './base-image.js';
import { BuildContext } from './build-context.js';
import { buildImage, hasImage, IMAGE_LABEL } from './docker-images.js';
import { prunable, runtimeClosure } from './node-modules.js';

/** The images one run uses. */
export interface AppImages {
  base: BaseImage;
  judge: string;
  router: string;
}

const dist = (rel: string) => join(packageRoot, 'dist', rel);
const dockerfile = (name: string) => join(packageRoot, 'fixtures/docker', `${name}.Dockerfile`);

const PACKAGE_NAME = /^(@[a-z0-9._-]+\/)?[a-z0-9._-]+(\/.*)?$/;

/** Packages the compiled files under `dir` import (bare specifiers other than node: built-ins). */
export function importedPackages(dir: string): string[] {
  const found = new Set<string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        const code = readFileSync(path, 'utf8');
        for (const m of code.matchAll(
          /^\s*(?:import|export)\b[^;'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm,
        )) {
          const spec = (m[1] ?? m[2])!;
          if (
            spec.startsWith('node:') ||
            spec.startsWith('.') ||
            builtinModules.includes(spec.split('/')[0]!) ||
            !PACKAGE_NAME.test(spec)
          )
            continue;
          found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        }
      }
    }
  };
  walk(dir);
  return [...found].sort();
}

function stageJudge(): BuildContext {
  const ctx = new BuildContext();
  const nodeModules = join(packageRoot, 'node_modules');
  ctx.text('app/package.json', '{ "type": "module", "private": true }\n');
  ctx.folder(dist('fixtures/judge-service'), 'app/dist/fixtures/judge-service', (rel) =>
    rel.endsWith('.map'),
  );
  ctx.folder(join(packageRoot, 'fixtures/problems'), 'app/fixtures/problems');
  for (const name of runtimeClosure(nodeModules, importedPackages(dist('fixtures/judge-service')))) {
    ctx.folder(join(nodeModules, name), `app/node_modules/${name}`, (rel) => prunable(name, rel));
  }
  ctx.emptyFolder('data');
  return ctx;
}

function stageRouter(): BuildContext {
  const deps = importedPackages(dist('sim/router'));
  if (deps.length > 0)
    throw new RehearsalError(
      `the router imports ${deps.join(', ')}`,
      'the router image carries no node_modules; add them to stageRouter',
    );
  const ctx = new BuildContext();
  ctx.text('app/package.json', '{ "type": "module", "private": true }\n');
  ctx.folder(dist('sim/router'), 'app/dist/sim/router', (rel) => rel.endsWith('.map'));
  return ctx;
}

async function ensureApp(
  docker: Docker,
  base: BaseImage,
  kind: 'judge-service' | 'router',
  stage: () => BuildContext,
): Promise<string> {
  const ctx = stage();
  try {
    const labels = { [IMAGE_LABEL]: kind, 'rehearsal.base': base.ref };
    const tag = `rehearsal/${kind}:${ctx.hash(`${JSON.stringify(labels)}\n${readFileSync(dockerfile(kind), 'utf8')}`)}`;
    if (await hasImage(docker, tag)) return tag;
    await buildImage(docker, ctx, {
      tag,
      dockerfile: dockerfile(kind),
      buildargs: { BASE_IMAGE: base.ref },
      labels,
    });
    return tag;
  } finally {
    ctx.dispose();
  }
}

/**
 * A stable name for the current sample judge image, so that a scenario can run the sample as an external
 * service (`service.versions.<v>.image`); moved to each new build.
 */
export const SAMPLE_IMAGE = { repo: 'rehearsal/judge-service', tag: 'sample' } as const;

/** Builds (or finds, by content-hash tag) the judge service and router images on `base`; tags {@link SAMPLE_IMAGE}. */
export async function ensureAppImages(docker: Docker, base: BaseImage): Promise<AppImages> {
  const judge = await ensureApp(docker, base, 'judge-service', stageJudge);
  await docker.getImage(judge).tag(SAMPLE_IMAGE);
  const router = await ensureApp(docker, base, 'router', stageRouter);
  return { base, judge, router };
}
