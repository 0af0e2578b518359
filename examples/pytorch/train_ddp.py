"""Train a wasmlp model further in PyTorch, on every core or machine DistributedDataParallel reaches,
then bring it back. Run with torchrun, e.g. on one machine with two processes:

    wasmlp export digits-model.wasmlp --format safetensors --out digits.safetensors
    torchrun --nproc_per_node=2 examples/pytorch/train_ddp.py digits.safetensors data/digits.csv digits-ddp
    wasmlp import digits-ddp.onnx --out digits-ddp.wasmlp      # or: wasmlp import digits-ddp.safetensors

The safetensors file carries the architecture (wasmlp writes it into __metadata__), so the matching
nn.Sequential is rebuilt here and load_state_dict takes the weights as they are (float64). The CSV
is read as wasmlp's CLI reads a numeric table: the last column is the class label; the feature
columns the model reads are standardised with its own scaling when it has one (metadata.preparation
of a model made by `wasmlp train`), else taken as they come.
"""
import json, os, struct, sys

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

ACTIVATIONS = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
               "leakyRelu": lambda: torch.nn.LeakyReLU(0.01), "softmax": lambda: torch.nn.Softmax(dim=1)}


def read_safetensors(path):
    """The state_dict and the __metadata__ of a safetensors file (F64 or F32 tensors)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        start, end = t["data_offsets"]
        dtype = {"F64": torch.float64, "F32": torch.float32}[t["dtype"]]
        tensors[name] = torch.frombuffer(bytearray(data[start:end]), dtype=dtype).reshape(t["shape"]).to(torch.float64)
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for name, t in tensors.items():
        raw = t.detach().to(torch.float64).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def build(architecture):
    """The nn.Sequential wasmlp's state_dict keys point at: Linear, then its activation unless identity."""
    modules, fan_in = [], architecture["inputSize"]
    for layer in architecture["layers"]:
        modules.append(torch.nn.Linear(fan_in, layer["size"]).double())
        if layer["activation"] != "identity":
            modules.append(ACTIVATIONS[layer["activation"]]())
        fan_in = layer["size"]
    return torch.nn.Sequential(*modules)


def main(model_path, csv_path, out, epochs=20):
    dist.init_process_group("gloo")  # CPU; "nccl" on GPUs
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(0)
    state, meta = read_safetensors(model_path)
    architecture = json.loads(meta["wasmlp.architecture"])
    metadata = json.loads(meta.get("wasmlp.metadata", "{}"))
    model = build(architecture)
    model.load_state_dict(state)  # the weights exactly as wasmlp had them

    lines = open(csv_path).read().strip().splitlines()
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:]]
    columns = metadata.get("preparation", {}).get("columns")
    if columns:  # the columns the model reads, standardised as `wasmlp train` saved it (numeric columns only here)
        picked = [header.index(c["name"]) for c in columns]
        x = torch.tensor([[float(r[i]) for i in picked] for r in rows], dtype=torch.float64)
        x = (x - torch.tensor([c["mean"] for c in columns], dtype=torch.float64)) / torch.tensor([c["std"] for c in columns], dtype=torch.float64)
    else:
        x = torch.tensor([[float(v) for v in r[:-1]] for r in rows], dtype=torch.float64)
    classes = metadata.get("preparation", {}).get("target", {}).get("classes") or sorted({r[-1] for r in rows}, key=lambda c: float(c) if c.replace(".", "").isdigit() else c)
    y = torch.tensor([classes.index(r[-1]) for r in rows])

    ddp = DistributedDataParallel(model)
    optimizer = torch.optim.Adam(ddp.parameters(), lr=0.001)
    sampler = torch.utils.data.distributed.DistributedSampler(torch.utils.data.TensorDataset(x, y), num_replicas=world, rank=rank, seed=0)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=32, sampler=sampler)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for xb, yb in loader:
            optimizer.zero_grad()
            probabilities = ddp(xb)  # the model ends in Softmax, as wasmlp's classifiers do
            loss = torch.nn.functional.nll_loss(torch.log(probabilities.clamp_min(1e-300)), yb)
            loss.backward()
            optimizer.step()
    if rank == 0:
        with torch.no_grad():
            accuracy = (model(x).argmax(dim=1) == y).double().mean().item()
        print(f"{world} processes, {epochs} epochs: training accuracy {100 * accuracy:.1f} %")
        write_safetensors(f"{out}.safetensors", model.state_dict(), meta)  # the same architecture and metadata
        torch.onnx.export(model, x[:1], f"{out}.onnx", input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
        print(f"wrote {out}.safetensors and {out}.onnx")
    dist.destroy_process_group()


if __name__ == "__main__":
    main(*sys.argv[1:4])
