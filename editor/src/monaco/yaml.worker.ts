// Vite needs the YAML worker as a module of our own (monaco-yaml README, "Why doesn't it work with Vite?").
import 'monaco-yaml/yaml.worker.js';
