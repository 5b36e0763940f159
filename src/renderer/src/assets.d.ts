/** Vite's `?url` imports: the URL of a file copied into the build (MapLibre's worker). */
declare module '*?url' {
  const url: string;
  export default url;
}
