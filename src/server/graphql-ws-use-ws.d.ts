// graphql-ws publishes its ws adapter only under `exports` ("graphql-ws/use/ws"), which this
// project's "node" module resolution does not read; at run time Node's require does. The
// types are the ones the package ships for that entry.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
