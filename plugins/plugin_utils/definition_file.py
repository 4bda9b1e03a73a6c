# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an OpenAPI file the way pre-flight needs it (controller side only).

YAML (and so JSON) is read with PyYAML's safe loader, like Ansible's from_yaml, with two
additions: every mapping key declared twice is recorded, because YAML keeps only the last
value and so would silently drop a route; and the line of any value can be looked up by its
keys, so that a problem points at the line to fix.
"""

import yaml

# A `<<: *anchor` entry merges another mapping in; its keys are not duplicates.
_MERGE_TAG = "tag:yaml.org,2002:merge"


class Duplicate:
    """A key declared twice in one mapping."""

    def __init__(self, keys, key, first_line, second_line):
        self.keys = keys  # the keys of the mapping that holds it
        self.key = key
        self.first_line = first_line
        self.second_line = second_line


class DefinitionFile:
    """A parsed file: document, duplicates, error (None when it parsed) and line()."""

    def __init__(self, text):
        self.document = None
        self.duplicates = []
        self.error = None
        self._root = None
        loader = yaml.SafeLoader(text)
        try:
            self._root = loader.get_single_node()
            if self._root is not None:
                self._find_duplicates(loader, self._root, (), set())
                self.document = loader.construct_document(self._root)
        except yaml.YAMLError as e:
            self.error = _describe(e)
        finally:
            loader.dispose()

    @classmethod
    def read(cls, path):
        with open(path, encoding="utf-8") as handle:
            return cls(handle.read())

    def _find_duplicates(self, loader, node, keys, seen_nodes):
        if id(node) in seen_nodes:
            return  # an alias of a node already walked (or a recursive structure)
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            lines = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = _scalar_key(loader, key_node)
                line = key_node.start_mark.line + 1
                if key is not None and key in lines:
                    self.duplicates.append(Duplicate(keys, key, lines[key], line))
                if key is not None:
                    lines[key] = line
                self._find_duplicates(loader, value_node, keys + (key,), seen_nodes)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._find_duplicates(loader, item, keys + (index,), seen_nodes)

    def line(self, keys):
        """The line of the value at keys, or of the nearest enclosing one that exists."""
        node = self._root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                found = None
                for key_node, value_node in node.value:
                    # The last entry wins, as it does when the mapping is built.
                    if isinstance(key_node, yaml.ScalarNode) and _same_key(key_node, key):
                        found = (key_node, value_node)
                if found is None:
                    return line
                line = found[0].start_mark.line + 1
                node = found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if not 0 <= key < len(node.value):
                    return line
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return line
        return line


def _scalar_key(loader, key_node):
    """A mapping key as the document has it, or None for keys that are no scalar."""
    if not isinstance(key_node, yaml.ScalarNode):
        return None
    return loader.construct_object(key_node)


def _same_key(key_node, key):
    """Whether a key node holds key (compared as text: YAML may read 200 as a number)."""
    return key_node.value == str(key) or (
        isinstance(key, bool) and key_node.value.lower() == str(key).lower()
    )


def _describe(error):
    """A one-line description of a YAML error, with its line where PyYAML knows it."""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    mark = getattr(error, "problem_mark", None)
    return f"{problem} at line {mark.line + 1}" if mark is not None else problem
