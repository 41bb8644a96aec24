import * as pulumi from '@pulumi/pulumi';

/** One resource the program registered, with its inputs as the engine would receive them. */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const TEST_STACK = 'unit';
export const TEST_REGION = 'eu-west-1';
export const TEST_ACCOUNT = '123456789012';
export const TEST_CLIENT_SECRET = 'test-spotify-client-secret-do-not-leak';
export const TEST_ALARM_EMAIL = 'data-team@example.com';
export const HOST_ARCHITECTURE = process.arch === 'arm64' ? 'arm64' : 'x86_64';

/** Values the mocked provider computes, as AWS would (ARNs, names). */
function computed(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const resourceName = (inputs.name as string | undefined) ?? name;
  const arn: Record<string, string> = {
    'aws:s3/bucket:Bucket': `arn:aws:s3:::${name}`,
    'aws:glue/crawler:Crawler': `arn:aws:glue:${TEST_REGION}:${TEST_ACCOUNT}:crawler/${resourceName}`,
    'aws:cloudwatch/logGroup:LogGroup': `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:${resourceName}`,
    'aws:sqs/queue:Queue': `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT}:${resourceName}`,
    'aws:lambda/function:Function': `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${resourceName}`,
    'aws:iam/role:Role': `arn:aws:iam::${TEST_ACCOUNT}:role/${resourceName}`,
    'aws:cloudwatch/eventRule:EventRule': `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:rule/${resourceName}`,
    'aws:sns/topic:Topic': `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:${resourceName}`,
    'aws:secretsmanager/secret:Secret': `arn:aws:secretsmanager:${TEST_REGION}:${TEST_ACCOUNT}:secret:${name}-AbCdEf`,
  };
  return {
    ...inputs,
    name: resourceName,
    ...(type === 'aws:s3/bucket:Bucket' ? { bucket: name } : {}),
    ...(type === 'aws:sqs/queue:Queue' ? { url: `https://sqs.${TEST_REGION}.amazonaws.com/${TEST_ACCOUNT}/${name}` } : {}),
    ...(arn[type] ? { arn: arn[type] } : {}),
  };
}

export interface LoadedStack {
  resources: RegisteredResource[];
  outputs: Record<string, unknown>;
  /** Outputs with their secretness, as `pulumi stack output` would see them. */
  secretOutputs: string[];
}

let loaded: Promise<LoadedStack> | undefined;

/**
 * Runs index.ts in-process under Pulumi's mocks (once per test process: the program is a module) and collects
 * every registered resource and the stack outputs.
 */
export function loadStack(): Promise<LoadedStack> {
  loaded ??= (async () => {
    const resources: RegisteredResource[] = [];
    pulumi.runtime.setAllConfig(
      {
        'aws:region': TEST_REGION,
        'chartlake:charts': JSON.stringify(['regional-global-weekly', 'regional-us-weekly']),
        'chartlake:spotifyClientId': 'test-client-id',
        'chartlake:spotifyClientSecret': TEST_CLIENT_SECRET,
        'chartlake:transformMemoryMb': '3008',
        // The host's architecture, so the packaged transform (and its DuckDB binding) runs in the Lambda tests here.
        'chartlake:lambdaArchitecture': HOST_ARCHITECTURE,
        'chartlake:alarmEmail': TEST_ALARM_EMAIL,
      },
      ['chartlake:spotifyClientSecret'],
    );
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          resources.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: computed(args.type, args.name, args.inputs) };
        },
        call(args) {
          if (args.token === 'aws:index/getCallerIdentity:getCallerIdentity') {
            return { accountId: TEST_ACCOUNT, arn: `arn:aws:iam::${TEST_ACCOUNT}:user/test`, userId: 'test', id: TEST_ACCOUNT };
          }
          if (args.token === 'aws:index/getRegion:getRegion') return { name: TEST_REGION, region: TEST_REGION, id: TEST_REGION };
          throw new Error(`unmocked call ${args.token}`);
        },
      },
      'chartlake',
      TEST_STACK,
      false,
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require('../../index') as Record<string, unknown>;
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [name, value] of Object.entries(program)) {
      if (pulumi.Output.isInstance(value)) {
        const output = value as pulumi.Output<unknown>;
        outputs[name] = await new Promise((resolve) => output.apply(resolve));
        if (await pulumi.isSecret(output)) secretOutputs.push(name);
      } else {
        outputs[name] = value;
      }
    }
    // Let the resources whose inputs resolve late (policies, notifications) finish registering.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { resources, outputs, secretOutputs };
  })();
  return loaded;
}

export function ofType(stack: LoadedStack, type: string): RegisteredResource[] {
  return stack.resources.filter((resource) => resource.type === type);
}

export function named(stack: LoadedStack, type: string, nameEnd: string): RegisteredResource {
  const found = ofType(stack, type).filter((resource) => resource.name.endsWith(nameEnd));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${nameEnd}, found ${found.map((r) => r.name).join(', ') || 'none'}`);
  return found[0];
}
