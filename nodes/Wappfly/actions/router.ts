import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import {
	openWappflyConnection,
	wappflyApiRequest,
	type WappflyConnection,
} from '../../shared/transport';
import { chat } from './chat';
import { asError, errorItem } from './itemErrors';
import { message } from './message';
import { pace } from './pacing';
import type { ResourceDefinition } from './resource';
import { session } from './session';
import type { PreparedCall, WappflyOperation } from './types';

export const resources: ResourceDefinition[] = [message, chat, session];

function toItems(call: PreparedCall, response: unknown): IDataObject[] {
	if (call.toItems) return call.toItems(response);
	return Array.isArray(response) ? (response as IDataObject[]) : [response as IDataObject];
}

function findOperation(ctx: IExecuteFunctions, itemIndex: number): WappflyOperation {
	const resource = ctx.getNodeParameter('resource', itemIndex) as string;
	const operation = ctx.getNodeParameter('operation', itemIndex) as string;
	const definition = resources.find(({ value }) => value === resource)?.table[operation];
	if (!definition) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
			{ itemIndex },
		);
	}
	return definition;
}

/** Reads change nothing on the line and cost no quota: this many of them run at once. */
export const READS_IN_FLIGHT = 8;

/**
 * Validates every item first, so that a bad item stops the node before anything is sent
 * (unless Continue On Fail is on), then sends the items one by one, in order, pausing between
 * two sends when the items ask for pacing.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[][] = items.map(() => []);
	const calls: Array<PreparedCall | undefined> = [];
	// n8n loads and decrypts the credential on every read: it is read once, before the first
	// request, and shared by all (after a failed read, the next request tries again).
	let connecting: Promise<WappflyConnection> | undefined;
	const connect = (itemIndex: number) => {
		if (!connecting) {
			connecting = openWappflyConnection.call(this, itemIndex);
			connecting.catch(() => (connecting = undefined));
		}
		return connecting;
	};
	const send = async (itemIndex: number, call: PreparedCall): Promise<INodeExecutionData[]> => {
		const request = await call.buildRequest();
		const connection = await connect(itemIndex);
		const response = await wappflyApiRequest.call(this, request, itemIndex, connection);
		return toItems(call, response).map((json) => ({ json, pairedItem: { item: itemIndex } }));
	};

	const fail = (error: unknown, itemIndex: number) => {
		const wrapped = asError(this, error, itemIndex);
		if (!this.continueOnFail()) throw wrapped;
		output[itemIndex] = [errorItem(wrapped, itemIndex)];
	};

	// Resource and Operation take no expressions: read once. Each item's own fields are read once.
	let definition: WappflyOperation | undefined;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			definition ??= findOperation(this, itemIndex);
			calls[itemIndex] = await definition.prepare.call(this, itemIndex);
		} catch (error) {
			fail(error, itemIndex);
		}
	}
	if (definition?.read) {
		await readAll(calls, send, fail, output);
		return [output.flat()];
	}

	let sentBefore = false;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const call = calls[itemIndex];
		if (!call) continue;
		if (sentBefore && call.pacing) await pace(this, call.pacing);
		sentBefore = true;
		try {
			output[itemIndex] = await send(itemIndex, call);
		} catch (error) {
			fail(error, itemIndex);
		}
	}

	return [output.flat()];
}

type Outcome = { items: INodeExecutionData[] } | { error: unknown };

/**
 * Runs read calls READS_IN_FLIGHT at a time, and takes their answers in item order: the items
 * come out in input order, and a failure stops the node at the same item as one by one would
 * (the reads already under way then finish unseen).
 */
async function readAll(
	calls: Array<PreparedCall | undefined>,
	send: (itemIndex: number, call: PreparedCall) => Promise<INodeExecutionData[]>,
	fail: (error: unknown, itemIndex: number) => void,
	output: INodeExecutionData[][],
): Promise<void> {
	const queue = calls.flatMap((call, itemIndex) => (call ? [{ call, itemIndex }] : []));
	const started: Array<Promise<Outcome>> = [];
	for (let next = 0; next < queue.length; next++) {
		while (started.length < Math.min(queue.length, next + READS_IN_FLIGHT)) {
			const { call, itemIndex } = queue[started.length];
			started.push(
				send(itemIndex, call).then(
					(items) => ({ items }),
					(error: unknown) => ({ error }),
				),
			);
		}
		const outcome = await started[next];
		const { itemIndex } = queue[next];
		if ('error' in outcome) fail(outcome.error, itemIndex);
		else output[itemIndex] = outcome.items;
	}
}
