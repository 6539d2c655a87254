import { LoggerProxy, type INodeParameters } from 'n8n-workflow';

import { startWappflyServer, type WappflyServer } from '../server/wappfly-server';
import { util } from '../support/node';
import { runWappfly, type RunOptions, type RunResult, type WappflyCredentialData } from './n8n';

/** Every line n8n's logger was given during the tests, to prove the token never reaches it. */
export const loggedLines: string[] = [];
const capture =
	(level: string) =>
	(message: string, meta: object = {}) =>
		loggedLines.push(`${level} ${message} ${util.inspect(meta, { depth: 10 })}`);
LoggerProxy.init({
	error: capture('error'),
	warn: capture('warn'),
	info: capture('info'),
	debug: capture('debug'),
} as unknown as Parameters<typeof LoggerProxy.init>[0]);

/** Starts one contract server for the test file and resets it before each test. */
export function useWappflyServer(): {
	server: () => WappflyServer;
	credentials: () => WappflyCredentialData;
} {
	let server: WappflyServer | undefined;
	beforeAll(async () => {
		server = await startWappflyServer();
	});
	beforeEach(() => server?.reset());
	afterAll(async () => await server?.close());
	const get = () => {
		if (!server) throw new Error('server not started');
		return server;
	};
	return { server: get, credentials: () => ({ apiToken: get().token, baseUrl: get().url }) };
}

/** A resource-locator value typed by hand (mode "By Number or JID"). */
export function byId(value: string) {
	return { __rl: true, mode: 'id', value };
}

/** A resource-locator value picked from the list. */
export function fromList(value: string) {
	return { __rl: true, mode: 'list', value };
}

export async function run(
	credentials: WappflyCredentialData,
	parameters: INodeParameters,
	options: Omit<RunOptions, 'credentials' | 'parameters'> = {},
): Promise<RunResult> {
	const result = await runWappfly({ credentials, parameters, ...options });
	// Every run of every test also proves the token reached no output, error or log.
	expect(visibleText(result)).not.toContain(credentials.apiToken);
	expect(loggedLines.join('\n')).not.toContain(credentials.apiToken);
	return result;
}

/** Everything a user or a log could see of a run: output, error, execution data. */
export function visibleText(result: RunResult): string {
	const { error } = result;
	return [
		util.inspect(result.items, { depth: 20 }),
		error
			? `${error.message} ${error.description ?? ''} ${util.inspect(error, { depth: 20 })}`
			: '',
		util.inspect(result.run, { depth: 30 }),
		JSON.stringify(result.run.data),
	].join('\n');
}
