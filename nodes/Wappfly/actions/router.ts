import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { wappflyApiRequest } from '../../shared/transport';
import { chat } from './chat';
import { asError, errorItem } from './itemErrors';
import { message } from './message';
import { pace } from './pacing';
import type { ResourceDefinition } from './resource';
import { session } from './session';
import type { PreparedCall } from './types';

export const resources: ResourceDefinition[] = [message, chat, session];

function toItems(call: PreparedCall, response: unknown): IDataObject[] {
	if (call.toItems) return call.toItems(response);
	return Array.isArray(response) ? (response as IDataObject[]) : [response as IDataObject];
}

/**
 * Validates every item first, so that a bad item stops the node before anything is sent
 * (unless Continue On Fail is on), then sends the items one by one, in order, pausing between
 * two sends when the items ask for pacing.
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

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const definition = resources.find(({ value }) => value === resource)?.table[operation];
			if (!definition) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" of "${resource}" is not supported`,
					{
						itemIndex,
					},
				);
			}
			calls[itemIndex] = await definition.prepare.call(this, itemIndex);
		} catch (error) {
			fail(error, itemIndex);
		}
	}

	let sentBefore = false;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const call = calls[itemIndex];
		if (!call) continue;
		if (sentBefore && call.pacing) await pace(this, call.pacing);
		sentBefore = true;
		try {
			const request = await call.buildRequest();
			const response = await wappflyApiRequest.call(this, request, itemIndex);
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
