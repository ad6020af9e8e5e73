import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config.ts';
import { keyValueTable } from '../constructs/key-value-table.ts';

export interface StateStackProps extends StackProps {
  config: EnvironmentConfig;
}

/**
 * Small, strongly consistent platform state shared by research, registry and agent stacks: one
 * single-table store (studies and trials, model registry entries, feature flags such as "ML off").
 * Item key conventions live next to the code that writes them (pk = "<kind>#<id>").
 */
export class StateStack extends Stack {
  readonly stateTable: Table;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id, props);
    this.stateTable = keyValueTable(this, 'State', props.config);
    new CfnOutput(this, 'StateTableName', { value: this.stateTable.tableName });
  }
}
