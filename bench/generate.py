"""Generate a synthetic project of N cited facts shaped like the shipped data.

A fact is one claim.  Each synthetic entity has a cited type and label and two or three cited
relations to other entities (with the class/property/class patterns the shipped data uses most),
some literal values, and every few entities a disputed or preferred claim; one evidence node per
entity quotes a sentence of a generated source text (with its offsets), and sources hold a
hundred entities each.  The output is a folder with ``ontology/`` (a copy of the shipped one),
``data/`` (Turtle files of at most FILE_CLAIMS claims, one named graph each) and ``sources/``.

    python bench/generate.py 10000 /tmp/ag-10k
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILE_CLAIMS = 50_000
ENTITIES_PER_SOURCE = 100

PREFIXES = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix src: <https://alliance-graph.example/id/source/> .
@prefix grade: <https://alliance-graph.example/id/grade/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""

# (subject class, property, object class) among the shipped data's most frequent claims.
RELATIONS = [
    ("Alliance", "cooperationArea", "CooperationArea"),
    ("JointExercise", "operationalDomain", "OperationalDomain"),
    ("JointExercise", "participant", "State"),
    ("Alliance", "counters", "Threat"),
    ("Alliance", "jointExercise", "JointExercise"),
    ("Partnership", "focusArea", "Threat"),
    ("Alliance", "jointProgram", "MissileDefenseSystem"),
    ("JointExercise", "focusArea", "CooperationArea"),
    ("MissileDefenseSystem", "coFundedBy", "State"),
    ("Partnership", "partner", "State"),
    ("MissileDefenseSystem", "coProducedWith", "State"),
    ("MissileDefenseSystem", "counters", "Threat"),
    ("MissileDefenseSystem", "jointlyDevelopedWith", "State"),
]
# Literal-valued claims: (subject class, property, Turtle literal template).
LITERALS = [
    ("JointExercise", "purpose", '"exercise purpose {i}"@en'),
    ("Partnership", "characterization", '"partnership characterization {i}"@en'),
    ("MissileDefenseSystem", "characterization", '"system characterization {i}"@en'),
]
CLASSES = sorted({c for s, _, o in RELATIONS for c in (s, o)} | {s for s, _, _ in LITERALS})


def entity_plan(n_facts: int, rng: random.Random) -> list[tuple[str, str]]:
    """Return (local name, class) for enough entities to make about ``n_facts`` claims."""
    # About 3.5 claims per entity (measured): type, label, up to two relations, a literal
    # for some classes, and a deprecated rival for every tenth entity's disputed claims.
    count = max(len(CLASSES), round(n_facts / 3.5))
    return [(f"E{i:07d}", CLASSES[i % len(CLASSES)]) for i in range(count)]


def other(members: list[str], chosen: str, *taken: str) -> str:
    """Return ``chosen``, or the next member after it that is not ``taken``: two claims of one
    fact are a violation of the data checks (claim-duplicate).  No draw of its own, so every
    other choice the seed makes stays as it was."""
    if chosen not in taken:
        return chosen
    i = members.index(chosen)  # rare: only a clash pays for the search
    for step in range(len(members)):
        candidate = members[(i + step) % len(members)]
        if candidate not in taken:
            return candidate
    return chosen


def generate(n_facts: int, out: Path, seed: int = 8) -> dict:
    """Write a synthetic project with about ``n_facts`` claims to ``out``; return its counts."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    (out / "sources").mkdir()
    shutil.copytree(ROOT / "ontology", out / "ontology")
    entities = entity_plan(n_facts, rng)
    by_class: dict[str, list[str]] = {}
    for name, cls in entities:
        by_class.setdefault(cls, []).append(name)

    claims = 0
    part, chunk, part_claims = 0, [], 0
    source_texts: dict[str, list[str]] = {}
    for index, (name, cls) in enumerate(entities):
        source = f"synthetic_{index // ENTITIES_PER_SOURCE:06d}.txt"
        label = f"Entity {name[1:]}"
        # (property, value, a rival value a disputing claim would give)
        facts = [("rdf:type", f"ag:{cls}", None), ("rdfs:label", f'"{label}"', None)]
        relations = [r for r in RELATIONS if r[0] == cls]
        for _, prop, target_cls in rng.sample(relations, min(2, len(relations))):
            members = by_class[target_cls]
            value, rival = rng.choice(members), rng.choice(members)
            facts.append((f"ag:{prop}", f"id:{value}", f"id:{other(members, rival, value)}"))
        for _, prop, template in (lit for lit in LITERALS if lit[0] == cls):
            facts.append((f"ag:{prop}", template.format(i=index),
                          template.format(i=f"{index} (variant)")))
        if len(facts) < 4 and relations:  # a second value from another source's wording
            _, prop, target_cls = relations[0]
            members = by_class[target_cls]
            taken = {v.removeprefix("id:") for p, v, _ in facts if p == f"ag:{prop}"}
            facts.append((f"ag:{prop}", f"id:{other(members, rng.choice(members), *taken)}", None))
        if cls == "JointExercise" and all(p != "ag:participant" for p, _, _ in facts):
            # An exercise needs a cited participant (agsh:exercise-participants), which the build
            # now refuses the lack of, as validate did; no draw of its own, as other() makes none.
            states = by_class["State"]
            facts.append(("ag:participant", f"id:{states[index % len(states)]}", None))

        sentence = f"{label} is a {cls} cited in synthetic source {source}."
        text = source_texts.setdefault(source, [])
        start = sum(len(s) + 1 for s in text)
        text.append(sentence)
        block = [f"ev:{name} a ag:Evidence ;\n    oa:hasSource src:{source} ;\n"
                 f"    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact \"{sentence}\" ] ,\n"
                 f"        [ a oa:TextPositionSelector ; oa:start {start} ; "
                 f"oa:end {start + len(sentence)} ] .\n"]
        for k, (prop, value, rival) in enumerate(facts):
            rank = "ag:NormalRank"
            extra = ""
            if rival and index % 10 == 0:
                # Every tenth entity: claims with a rival are disputed by a deprecated one,
                # linked both ways, each saying what differs.
                rank = "ag:PreferredRank"
                extra = (f" ;\n    ag:disputedBy claim:{name}-{k}-rival ;\n"
                         "    ag:disagreementNote \"The rival claim gives another value.\"")
                block.append(f"claim:{name}-{k}-rival a ag:Claim ;\n    rdf:subject id:{name} ;\n"
                             f"    rdf:predicate {prop} ;\n    rdf:object {rival} ;\n"
                             f"    ag:rank ag:DeprecatedRank ;\n    prov:wasDerivedFrom ev:{name} ;\n"
                             f"    ag:disputedBy claim:{name}-{k} ;\n"
                             "    ag:disagreementNote \"The preferred claim gives another "
                             "value.\" .\n")
                claims += 1
            block.append(f"claim:{name}-{k} a ag:Claim ;\n    rdf:subject id:{name} ;\n"
                         f"    rdf:predicate {prop} ;\n    rdf:object {value} ;\n"
                         f"    ag:rank {rank} ;\n    prov:wasDerivedFrom ev:{name}{extra} .\n")
        claims += len(facts)
        part_claims += len(facts)
        chunk.append("\n".join(block))
        if part_claims >= FILE_CLAIMS:
            _write_part(out, part, chunk)
            part, chunk, part_claims = part + 1, [], 0
    if chunk:
        _write_part(out, part, chunk)
    _write_sources(out, source_texts)
    return {"claims": claims, "entities": len(entities), "sources": len(source_texts),
            "files": part + 1}


def _write_part(out: Path, part: int, blocks: list[str]) -> None:
    (out / "data" / f"synthetic-{part:03d}.ttl").write_text(
        PREFIXES + "\n".join(blocks), encoding="utf-8")


def _write_sources(out: Path, texts: dict[str, list[str]]) -> None:
    lines = [PREFIXES]
    for name, sentences in texts.items():
        body = "\n".join(sentences) + "\n"
        (out / "sources" / name).write_text(body, encoding="utf-8")
        digest = hashlib.sha256(body.encode()).hexdigest()
        lines.append(f"src:{name} a ag:SourceDocument ;\n    ag:fileName \"{name}\" ;\n"
                     f"    dcterms:title \"Synthetic source {name}\" ;\n"
                     f"    ag:sourceKind ag:ReferenceOverview ;\n    ag:sha256 \"{digest}\" ;\n"
                     f"    ag:reliability grade:F ;\n"
                     f"    ag:reliabilityRationale \"Generated for the benchmark.\" .\n")
    (out / "data" / "sources.ttl").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/generate.py N_FACTS OUT_DIR")
    print(generate(int(sys.argv[1]), Path(sys.argv[2])))
