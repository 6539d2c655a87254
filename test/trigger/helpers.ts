import type { INodeParameters } from 'n8n-workflow';

import { loggedLines, useWappflyServer } from '../harness/fixtures';
import type { BinaryMode, WappflyCredentialData } from '../harness/n8n';
import { TriggerHarness, type StaticDataMode } from '../harness/webhook';
import type { WappflyServer } from '../server/wappfly-server';

export interface StartOptions {
	/** Run checkExists/create first, as n8n does on activation (default true). */
	activate?: boolean;
	staticData?: Record<string, unknown>;
	binaryMode?: BinaryMode;
	credentials?: WappflyCredentialData;
	/** Default 'shared'; 'per-request' keeps static data as n8n's production webhooks do. */
	staticDataMode?: StaticDataMode;
}

/**
 * One contract server per test file (reset before each test) and trigger harnesses that are
 * closed after each test.
 */
export function useTrigger() {
	const { server, credentials } = useWappflyServer();
	const open: TriggerHarness[] = [];
	afterEach(async () => {
		const harnesses = open.splice(0);
		await Promise.all(harnesses.map(async (harness) => await harness.close()));
		// Every test also proves the token reached no answer, output, error or log line.
		for (const harness of harnesses) {
			const token = harness.credentials.apiToken;
			for (const call of harness.calls) {
				const { message, description } = (call.error ?? {}) as Error & { description?: string };
				const visible = JSON.stringify([call.responseText, call.started, message, description]);
				expect(visible).not.toContain(token);
			}
			expect(loggedLines.join('\n')).not.toContain(token);
		}
	});

	async function start(
		parameters: INodeParameters = {},
		options: StartOptions = {},
	): Promise<TriggerHarness> {
		const harness = await TriggerHarness.start({
			credentials: options.credentials ?? credentials(),
			parameters,
			staticData: options.staticData as never,
			binaryMode: options.binaryMode,
			staticDataMode: options.staticDataMode,
		});
		open.push(harness);
		if (options.activate !== false) await harness.activate();
		return harness;
	}

	return { server, credentials, start };
}

/** How many times the trigger asked Wappfly who it is. */
export function meCalls(server: WappflyServer): number {
	return server.requests.filter((request) => request.path === '/api/me').length;
}
