import {
	NodeApiError,
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
import { message } from './message';
import type { ResourceDefinition } from './resource';
import { session } from './session';
import type { PreparedCall, WappflyOperation } from './types';

export const resources: ResourceDefinition[] = [message, chat, session];

function asError(ctx: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

function errorItem(
	error: Error & { description?: string | null },
	itemIndex: number,
): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	return { json, pairedItem: { item: itemIndex } };
}

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

/**
 * Validates every item first, so that a bad item stops the node before anything is sent
 * (unless Continue On Fail is on), then sends the items one by one, in order.
 *
 * Per item, only the item's own fields are evaluated: Resource and Operation take no
 * expressions and are read once, and the credential is read once, before the first request.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[][] = items.map(() => []);
	const calls: Array<PreparedCall | undefined> = [];

	const fail = (error: unknown, itemIndex: number) => {
		const wrapped = asError(this, error, itemIndex);
		if (!this.continueOnFail()) throw wrapped;
		output[itemIndex] = [errorItem(wrapped, itemIndex)];
	};

	let definition: WappflyOperation | undefined;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			definition ??= findOperation(this, itemIndex);
			calls[itemIndex] = await definition.prepare.call(this, itemIndex);
		} catch (error) {
			fail(error, itemIndex);
		}
	}

	// Read before the first request; after a failed read, the next item tries again.
	let connection: WappflyConnection | undefined;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const call = calls[itemIndex];
		if (!call) continue;
		try {
			const request = await call.buildRequest();
			connection ??= await openWappflyConnection.call(this, itemIndex);
			const response = await wappflyApiRequest.call(this, request, itemIndex, connection);
			output[itemIndex] = toItems(call, response).map((json) => ({
				json,
				pairedItem: { item: itemIndex },
			}));
		} catch (error) {
			fail(error, itemIndex);
		}
	}

	return [output.flat()];
}
