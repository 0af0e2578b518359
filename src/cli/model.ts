// Model files for the commands: load and save through "wasmlp/node", with read and write failures
// turned into one-line errors that carry the right exit code.
import { load, ModelFormatError, save, type BackendChoice, type Network, type ThreadsOption } from "../node.js";
import { EXIT, fileProblem } from "./errors.js";

export async function loadModel(path: string, backend: BackendChoice = "auto", threads: ThreadsOption = 1): Promise<Network> {
  try {
    return await load(path, { backend, threads });
  } catch (error) {
    if (error instanceof ModelFormatError) throw new ModelFormatError(`${path}: ${error.message}`);
    throw fileProblem(error, `cannot read model file ${path}`, EXIT.model);
  }
}

export async function saveModel(net: Network, path: string): Promise<void> {
  try {
    await save(net, path);
  } catch (error) {
    throw fileProblem(error, `cannot write model file ${path}`, EXIT.runtime);
  }
}
