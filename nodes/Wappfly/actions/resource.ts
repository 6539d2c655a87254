import type { INodeProperties } from 'n8n-workflow';

import type { OperationTable, WholeInputOperation } from './types';

export interface ResourceDefinition {
	value: string;
	name: string;
	/** The Operation selector shown for this resource. */
	operation: INodeProperties;
	table: OperationTable;
	/**
	 * Operations that make the execution wait for a person. An AI Agent's tool call cannot wait,
	 * so the tool variant of the node (`@tool`) gets an Operation selector without them.
	 */
	waiting?: Record<string, WholeInputOperation>;
}

/** The resource's Operation selector and every operation's fields, each shown only for it. */
export function resourceProperties(resource: ResourceDefinition): INodeProperties[] {
	const operations = { ...resource.table, ...resource.waiting };
	const fields = Object.entries(operations).flatMap(([operation, { properties }]) =>
		properties.map((property) => ({
			...property,
			displayOptions: {
				...property.displayOptions,
				show: {
					...property.displayOptions?.show,
					resource: [resource.value],
					operation: [operation],
				},
			},
		})),
	);
	if (!resource.waiting) return [resource.operation, ...fields];
	const waiting = Object.keys(resource.waiting);
	const selector = (tool: boolean, options = resource.operation.options): INodeProperties => ({
		...resource.operation,
		options,
		displayOptions: {
			...resource.operation.displayOptions,
			show: { ...resource.operation.displayOptions?.show, '@tool': [tool] },
		},
	});
	// The editor lists a node's actions from the first Operation selector of each resource.
	return [
		selector(false),
		selector(
			true,
			resource.operation.options?.filter(
				(option) => !('value' in option && waiting.includes(String(option.value))),
			),
		),
		...fields,
	];
}
