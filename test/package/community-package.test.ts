/**
 * Community-node readiness of the package as npm would publish it: built and packed in a private
 * copy of the project (test/support/packed-package.js), then
 * - scanned with the checks of `@n8n/scan-community-package` (scripts/scan-community-package.mjs:
 *   the scanner's own ESLint rules on the sources and on the tarball; its CLI works only on
 *   packages already published with provenance);
 * - checked file by file: the tarball holds what n8n loads and nothing else;
 * - loaded: every node and credential listed in package.json's `n8n` section, with its codex
 *   file and its light and dark icons.
 *
 * No n8n instance is needed (n8n loading the package for real is test/e2e's job), so this runs
 * with the fast suite (`npm run test:unit`).
 */
import { packIsolated, type PackedPackage } from '../support/packed-package';
import { childProcess, env, fs, path, projectRoot } from '../support/node';

interface ScanResult {
	passed: boolean;
	legs: Array<{
		name: string;
		patterns: string[];
		passed: boolean;
		message?: string;
		details?: string;
	}>;
}

interface LoadedClass {
	file: string;
	exportName: string;
	kind: 'node' | 'credential';
	name: string;
	displayName: string;
	icon: unknown;
	group?: string[];
	usableAsTool?: boolean;
	webhooks?: number;
	webhookMethods?: string[];
	polling?: boolean;
	hasPoll?: boolean;
	credentials?: string[];
	hasTest?: boolean;
	documentationUrl?: string;
	secretFields?: Array<{ name: string; password: boolean }>;
}

/** Files n8n needs from the package; anything else in the tarball is a finding. */
const ALLOWED_FILES: RegExp[] = [
	/^package\.json$/,
	/^README\.md$/,
	/^LICENSE$/,
	/^CHANGELOG\.md$/,
	/^index\.js$/,
	// `tsc` copies package.json into dist (the nodes import it for their version).
	/^dist\/package\.json$/,
	/^dist\/(nodes|credentials)\/.+\.js$/,
	// Source maps: n8n installs source-map-support, so stack traces in its logs point at our
	// TypeScript lines. Declarations: harmless, as in n8n's starter; see the report.
	/^dist\/(nodes|credentials)\/.+\.js\.map$/,
	/^dist\/(nodes|credentials)\/.+\.d\.ts$/,
	// Codex files.
	/^dist\/nodes\/.+\.node\.json$/,
	/^dist\/(icons|nodes|credentials)\/.+\.(svg|png)$/,
];

/** Loads compiled classes in a plain Node process (n8n-workflow from the project's node_modules). */
const LOADER = `
const files = JSON.parse(process.argv[1]);
const out = [];
for (const file of files) {
	const exported = require(file);
	for (const [exportName, Class] of Object.entries(exported)) {
		if (typeof Class !== 'function') continue;
		const instance = new Class();
		const d = instance.description;
		if (d) {
			out.push({
				file, exportName, kind: 'node', name: d.name, displayName: d.displayName, icon: d.icon,
				group: d.group, usableAsTool: d.usableAsTool, webhooks: (d.webhooks || []).length,
				webhookMethods: Object.keys((instance.webhookMethods || {}).default || {}),
				polling: !!d.polling, hasPoll: typeof instance.poll === 'function',
				credentials: (d.credentials || []).map((c) => c.name),
			});
		} else {
			out.push({
				file, exportName, kind: 'credential', name: instance.name,
				displayName: instance.displayName, icon: instance.icon, hasTest: !!instance.test,
				documentationUrl: instance.documentationUrl,
				secretFields: (instance.properties || [])
					.filter((p) => /token|secret|password|key/i.test(p.name))
					.map((p) => ({ name: p.name, password: !!(p.typeOptions && p.typeOptions.password) })),
			});
		}
	}
}
process.stdout.write(JSON.stringify(out));
`;

function loadClasses(files: string[]): LoadedClass[] {
	const out = childProcess.execFileSync('node', ['-e', LOADER, JSON.stringify(files)], {
		encoding: 'utf8',
		env: { ...env, NODE_PATH: path.join(projectRoot, 'node_modules') },
	});
	return JSON.parse(out) as LoadedClass[];
}

function iconFiles(icon: unknown): { light: string; dark: string } {
	expect(icon).toEqual({
		light: expect.stringMatching(/^file:.+\.svg$/),
		dark: expect.stringMatching(/^file:.+\.svg$/),
	});
	const { light, dark } = icon as { light: string; dark: string };
	return { light: light.slice('file:'.length), dark: dark.slice('file:'.length) };
}

describe('the packed package, as n8n and its community-package scan see it', () => {
	let packed: PackedPackage;
	let pkg: Record<string, unknown> & {
		name: string;
		n8n: { n8nNodesApiVersion: number; strict: boolean; nodes: string[]; credentials: string[] };
	};
	let classes: LoadedClass[];

	const inTarball = (relative: string) => packed.files.includes(relative);
	/** A path inside the package, from a file of it and a path relative to that file's folder. */
	const resolveFrom = (file: string, relative: string) =>
		path.posix.normalize(path.posix.join(path.posix.dirname(file), relative));

	beforeAll(async () => {
		packed = await packIsolated(projectRoot);
		pkg = JSON.parse(fs.readFileSync(path.join(packed.packageDir, 'package.json'), 'utf8'));
		const listed = [...(pkg.n8n.nodes ?? []), ...(pkg.n8n.credentials ?? [])].filter(inTarball);
		classes = loadClasses(listed.map((file) => path.join(packed.packageDir, file)));
	}, 180_000);

	afterAll(() => packed?.cleanup());

	test("@n8n/scan-community-package's checks find nothing in the sources or the tarball", () => {
		const run = childProcess.spawnSync(
			'node',
			[
				path.join(projectRoot, 'scripts', 'scan-community-package.mjs'),
				'--json',
				'--source',
				packed.sourceDir,
				'--package',
				packed.packageDir,
			],
			{ encoding: 'utf8', cwd: projectRoot, env: { ...env } },
		);
		// Exit 1 means findings (in the JSON); anything else is a crash of the scan itself.
		expect({
			status: run.status,
			stderr: run.status === 0 || run.status === 1 ? '' : run.stderr,
		}).toEqual({
			status: expect.any(Number),
			stderr: '',
		});
		const out = run.stdout;
		const result = JSON.parse(out) as ScanResult;
		expect(result.legs.map((leg) => leg.name)).toEqual(['source', 'tarball']);
		for (const leg of result.legs) {
			expect({ leg: leg.name, passed: leg.passed, details: leg.details }).toEqual({
				leg: leg.name,
				passed: true,
				details: undefined,
			});
		}
	}, 120_000);

	test('the tarball holds only what n8n needs', () => {
		// `n8n-node build` copies every *.png / *.svg of the project into dist/ (docs/screenshots
		// and test output included), so package.json's `files` must name the dist folders n8n
		// loads (dist/nodes, dist/credentials, dist/icons), not the whole of dist/.
		const unexpected = packed.files.filter((file) => !ALLOWED_FILES.some((re) => re.test(file)));
		expect(unexpected).toEqual([]);
		for (const required of ['package.json', 'README.md', 'LICENSE', 'index.js']) {
			expect(packed.files).toContain(required);
		}
		// No sources, tests, build caches or packed tarballs, anywhere.
		for (const file of packed.files) {
			expect(file).not.toMatch(/(^|\/)(test|tests|__tests__|src|node_modules)\//);
			expect(file).not.toMatch(/\.tsbuildinfo$|\.tgz$|\.test\.|(?<!\.d)\.ts$/);
		}
		// Every map and declaration belongs to a compiled file next to it.
		for (const file of packed.files.filter((f) => /\.(js\.map|d\.ts)$/.test(f))) {
			expect(packed.files).toContain(file.replace(/\.js\.map$|\.d\.ts$/, '.js'));
		}
	});

	test('package.json: community-node keyword, no runtime dependencies, strict n8n section', () => {
		expect(pkg.name).toMatch(/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-/);
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
		expect(fs.readFileSync(path.join(packed.packageDir, 'LICENSE'), 'utf8')).toMatch(
			/^MIT License/,
		);
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.bundleDependencies ?? pkg.bundledDependencies).toBeUndefined();
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		const scripts = (pkg.scripts ?? {}) as Record<string, string>;
		for (const hook of ['preinstall', 'install', 'postinstall']) {
			expect(scripts[hook]).toBeUndefined();
		}
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
		expect(pkg.n8n.nodes.length).toBeGreaterThan(0);
		expect(pkg.n8n.credentials.length).toBeGreaterThan(0);
	});

	test('every node and credential listed in package.json is in the tarball and loads', () => {
		const listed = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
		expect(listed.filter((file) => !inTarball(file))).toEqual([]);
		expect(pkg.n8n.nodes.every((file) => /^dist\/nodes\/.+\.node\.js$/.test(file))).toBe(true);
		expect(
			pkg.n8n.credentials.every((file) => /^dist\/credentials\/.+\.credentials\.js$/.test(file)),
		).toBe(true);
		// One class per file, named like the file.
		for (const file of listed) {
			const loaded = classes.filter((c) => c.file === path.join(packed.packageDir, file));
			expect(loaded.map((c) => c.exportName)).toEqual([path.basename(file).split('.')[0]]);
		}
		// What is listed is what the package has.
		const compiledNodes = packed.files.filter((f) => /^dist\/nodes\/.+\.node\.js$/.test(f));
		const compiledCredentials = packed.files.filter((f) => /\.credentials\.js$/.test(f));
		expect([...pkg.n8n.nodes].sort()).toEqual(compiledNodes.sort());
		expect([...pkg.n8n.credentials].sort()).toEqual(compiledCredentials.sort());
	});

	test('each node has its codex file, light and dark icons, and the right tool/trigger flags', () => {
		const nodes = classes.filter((c) => c.kind === 'node');
		expect(nodes.map((n) => n.name).sort()).toEqual([
			'wappfly',
			'wappflyPollingTrigger',
			'wappflyTrigger',
		]);
		for (const node of nodes) {
			const file = path.relative(packed.packageDir, node.file).split(path.sep).join('/');
			const codexFile = file.replace(/\.js$/, '.json');
			expect(packed.files).toContain(codexFile);
			const codex = JSON.parse(fs.readFileSync(path.join(packed.packageDir, codexFile), 'utf8'));
			expect(codex).toMatchObject({
				node: `${pkg.name}.${node.name}`,
				nodeVersion: '1.0',
				codexVersion: '1.0',
				categories: expect.arrayContaining([expect.any(String)]),
				resources: {
					primaryDocumentation: [{ url: expect.stringMatching(/^https:\/\//) }],
					credentialDocumentation: [{ url: expect.stringMatching(/^https:\/\//) }],
				},
			});

			const { light, dark } = iconFiles(node.icon);
			for (const icon of [light, dark]) expect(packed.files).toContain(resolveFrom(file, icon));
			expect(resolveFrom(file, light)).not.toBe(resolveFrom(file, dark));

			expect(node.credentials).toEqual(['wappflyApi']);
			const isTrigger = (node.group ?? []).includes('trigger');
			expect({ node: node.name, usableAsTool: !!node.usableAsTool }).toEqual({
				node: node.name,
				usableAsTool: !isTrigger,
			});
			if (isTrigger && node.polling) {
				// A polling trigger: n8n calls its poll() on the schedule, it has no webhook.
				expect({ hasPoll: node.hasPoll, webhooks: node.webhooks }).toEqual({
					hasPoll: true,
					webhooks: 0,
				});
			} else if (isTrigger) {
				expect(node.webhooks).toBeGreaterThan(0);
				expect(node.webhookMethods).toEqual(['checkExists', 'create', 'delete']);
			}
		}
	});

	test('the credential has icons, a documentation link, a test request and password-typed secrets', () => {
		const credentials = classes.filter((c) => c.kind === 'credential');
		expect(credentials.map((c) => c.name)).toEqual(['wappflyApi']);
		for (const credential of credentials) {
			const file = path.relative(packed.packageDir, credential.file).split(path.sep).join('/');
			const { light, dark } = iconFiles(credential.icon);
			for (const icon of [light, dark]) expect(packed.files).toContain(resolveFrom(file, icon));
			expect(credential.hasTest).toBe(true);
			expect(credential.documentationUrl).toMatch(/^https:\/\//);
			expect(credential.secretFields).toEqual([{ name: 'apiToken', password: true }]);
		}
	});

	test('the icons are square SVGs, and the dark one differs from the light one', () => {
		const icons = packed.files.filter((f) => f.endsWith('.svg'));
		expect(icons.length).toBeGreaterThanOrEqual(2);
		const contents = new Map<string, string>();
		for (const icon of icons) {
			const svg = fs.readFileSync(path.join(packed.packageDir, icon), 'utf8');
			contents.set(icon, svg);
			expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
			const viewBox = /viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"/.exec(svg);
			expect(viewBox).not.toBeNull();
			expect(viewBox?.[1]).toBe(viewBox?.[2]);
			// No scripts or outside references in an image that n8n inlines into its editor.
			expect(svg).not.toMatch(/<script|javascript:|xlink:href="http|href="http/i);
		}
		for (const [icon, svg] of contents) {
			const dark = icon.replace(/\.svg$/, '.dark.svg');
			if (contents.has(dark)) expect(contents.get(dark)).not.toBe(svg);
		}
	});

	test("the package's main entry loads every node and credential class", () => {
		const out = childProcess.execFileSync(
			'node',
			[
				'-e',
				'process.stdout.write(JSON.stringify(Object.keys(require(process.argv[1]))))',
				packed.packageDir,
			],
			{ encoding: 'utf8', env: { ...env, NODE_PATH: path.join(projectRoot, 'node_modules') } },
		);
		expect((JSON.parse(out) as string[]).sort()).toEqual(classes.map((c) => c.exportName).sort());
	});
});
