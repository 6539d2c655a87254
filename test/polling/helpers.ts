import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { loggedLines, useWappflyServer } from '../harness/fixtures';
import type { WappflyCredentialData } from '../harness/n8n';
import { PollHarness } from '../harness/poll';
import { util } from '../support/node';
import type { StoredMessage, WappflyServer } from '../server/wappfly-server';

export interface StartOptions {
	/** Activate at once (default true). */
	activate?: boolean;
	credentials?: WappflyCredentialData;
	pollTimes?: IDataObject;
}

/**
 * One contract server per test file (reset before each test) and polling-trigger harnesses that
 * are deactivated after each test, which also proves that the token reached no item, error or log
 * line.
 */
export function usePolling() {
	const { server, credentials } = useWappflyServer();
	const open: PollHarness[] = [];
	afterEach(async () => {
		const harnesses = open.splice(0);
		for (const harness of harnesses) await harness.deactivate();
		for (const harness of harnesses) {
			const token = harness.credentials.apiToken;
			const visible = util.inspect([harness.executions, harness.errors], { depth: 20 });
			expect(visible).not.toContain(token);
			expect(JSON.stringify(harness.savedStaticData)).not.toContain(token);
		}
		expect(loggedLines.join('\n')).not.toContain(credentials().apiToken);
	});

	async function start(
		parameters: INodeParameters = {},
		options: StartOptions = {},
	): Promise<PollHarness> {
		const harness = new PollHarness({
			credentials: options.credentials ?? credentials(),
			parameters,
			pollTimes: options.pollTimes,
		});
		open.push(harness);
		if (options.activate !== false) await harness.activate();
		return harness;
	}

	return { server, credentials, start };
}

/** Stores `count` inbound messages on the contract server, as if they had just arrived. */
export function receive(
	server: WappflyServer,
	count: number,
	label = 'message',
	params: Parameters<WappflyServer['receiveMessage']>[0] = {},
): StoredMessage[] {
	return Array.from({ length: count }, (_, index) =>
		server.receiveMessage({ text: `${label} ${index + 1}`, ...params }),
	);
}

/** The reads of /api/messages/recent the server received. */
export function polls(server: WappflyServer) {
	return server.requests.filter((request) => request.path === '/api/messages/recent');
}

/** The texts of the emitted items. */
export function texts(items: IDataObject[]): unknown[] {
	return items.map((item) => item.text);
}
