/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// Tauri loads the dev server at http://localhost:1420 (devUrl) and embeds ui/dist in release
// builds. JSX goes through esbuild's automatic runtime; no React plugin is needed.
export default defineConfig({
  base: "./",
  clearScreen: false,
  esbuild: { jsx: "automatic" },
  server: {
    port: 1420,
    strictPort: true,
    host: "localhost",
    // The Rust side lives outside ui/; never reload the webview because cargo wrote a file.
    watch: { ignored: ["**/src-tauri/**", "**/target/**"] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
  },
});
