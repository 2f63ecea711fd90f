"""Cell suppression: withholding small counts, and enough others that none can be recomputed.

Primary suppression withholds every cell and margin counting from 1 to `min_count - 1` (a zero
is shown: it names nobody). Complementary suppression then withholds further values until no
withheld value follows exactly from the published ones.

For a two-way table, view the cells with their margins as an extended (R+1) x (C+1) grid: each
extended row and each extended column adds up (its last entry, the margin, is the sum of the
others). With the margins' signs flipped, these equations are the incidence system of the
bipartite graph whose nodes are the R+1 extended rows and C+1 extended columns and whose edges
are the withheld entries. A withheld entry is determined exactly by the published ones iff its
edge is a bridge of that graph (lies on no cycle). So while some withheld entry is a bridge, the
cheapest path of further entries that closes a cycle through it is withheld too.

A one-way table has a single equation (its cells add up to the total), so a withheld value is
determined iff it is the only withheld one among the cells and the total.

Cheapest means: fewest zeros (a withheld zero hides little from a reader who knows counts are
not negative), then fewest margins (totals are the most useful numbers), then the smallest sum
of counts; remaining ties go to the earlier position, so results are deterministic."""

from __future__ import annotations

import heapq
from collections import defaultdict

from casebook.reports.tables import Count, CountTable

Position = tuple[int, int]
"""(row, column) in the extended grid; row R and column C hold the margins."""

Cost = tuple[int, int, int]
"""(zeros, margins, sum of counts) withheld: compared in that order."""


def suppress(table: CountTable, min_count: int) -> CountTable:
    """`table` (which must hold every count) with every cell and margin from 1 to
    `min_count - 1` withheld (None), and enough other counts withheld that no withheld one can
    be recomputed from the published cells and margins."""
    if not table.is_published():
        raise ValueError(f"table {table.name} already has withheld counts")
    if table.one_way:
        return _suppress_one_way(table, min_count)
    return _suppress_two_way(table, min_count)


def _sensitive(value: int, min_count: int) -> bool:
    return 1 <= value < min_count


def _cost(value: int, margin: bool) -> Cost:
    return (int(value == 0), int(margin), value)


def _suppress_one_way(table: CountTable, min_count: int) -> CountTable:
    cells = [_known(row[0]) for row in table.cells]
    total = _known(table.total)
    withheld_cells = {index for index, value in enumerate(cells) if _sensitive(value, min_count)}
    total_withheld = _sensitive(total, min_count)
    if len(withheld_cells) + total_withheld == 1:
        candidates = [
            (_cost(value, margin=False), index)
            for index, value in enumerate(cells)
            if index not in withheld_cells
        ]
        if not total_withheld:
            candidates.append((_cost(total, margin=True), len(cells)))
        chosen = min(candidates)[1]
        if chosen == len(cells):
            total_withheld = True
        else:
            withheld_cells.add(chosen)
    shown: tuple[Count, ...] = tuple(
        None if index in withheld_cells else value for index, value in enumerate(cells)
    )
    shown_total = None if total_withheld else total
    return CountTable(
        name=table.name,
        row_dimension=table.row_dimension,
        column_dimension=None,
        rows=table.rows,
        columns=table.columns,
        cells=tuple((value,) for value in shown),
        row_totals=shown,
        column_totals=(shown_total,),
        total=shown_total,
    )


def _suppress_two_way(table: CountTable, min_count: int) -> CountTable:
    grid = _extended(table)
    withheld = {
        (row, column)
        for row, values in enumerate(grid)
        for column, value in enumerate(values)
        if _sensitive(value, min_count)
    }
    while bridges := _bridges(withheld, len(grid)):
        withheld |= _cheapest_cycle(grid, withheld, min(bridges))
    shown = [
        [None if (row, column) in withheld else value for column, value in enumerate(values)]
        for row, values in enumerate(grid)
    ]
    return CountTable(
        name=table.name,
        row_dimension=table.row_dimension,
        column_dimension=table.column_dimension,
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(values[:-1]) for values in shown[:-1]),
        row_totals=tuple(values[-1] for values in shown[:-1]),
        column_totals=tuple(shown[-1][:-1]),
        total=shown[-1][-1],
    )


def _known(value: Count) -> int:
    assert value is not None
    return value


def _extended(table: CountTable) -> list[list[int]]:
    """Cells with the row totals as a last column and the column totals (and grand total) as a
    last row."""
    grid = [
        [_known(value) for value in (*cells, total)]
        for cells, total in zip(table.cells, table.row_totals, strict=True)
    ]
    grid.append([_known(value) for value in (*table.column_totals, table.total)])
    return grid


def _bridges(edges: set[Position], row_nodes: int) -> set[Position]:
    """The withheld entries lying on no cycle of the rows-columns graph (Tarjan's low-link
    algorithm, iterative). Row r is node r, column c is node row_nodes + c."""
    adjacency: defaultdict[int, list[tuple[int, Position]]] = defaultdict(list)
    for edge in sorted(edges):
        row, column = edge[0], row_nodes + edge[1]
        adjacency[row].append((column, edge))
        adjacency[column].append((row, edge))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: set[Position] = set()
    for root in sorted(adjacency):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, (-1, -1), iter(adjacency[root]))]
        while stack:
            node, entered_by, neighbours = stack[-1]
            for other, edge in neighbours:
                if edge == entered_by:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = len(order)
                    stack.append((other, edge, iter(adjacency[other])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(entered_by)
    return bridges


def _cheapest_cycle(
    grid: list[list[int]], withheld: set[Position], bridge: Position
) -> set[Position]:
    """The published entries on the cheapest path between the ends of `bridge` that avoids it
    (withheld entries cost nothing): withholding them puts `bridge` on a cycle. Dijkstra over
    the complete rows-columns graph."""
    row_nodes, column_nodes = len(grid), len(grid[0])
    start, goal = bridge[0], row_nodes + bridge[1]
    best: dict[int, Cost] = {start: (0, 0, 0)}
    previous: dict[int, int] = {}
    queue: list[tuple[Cost, int]] = [((0, 0, 0), start)]
    settled: set[int] = set()
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if node in settled:
            continue
        settled.add(node)
        for other in _other_side(node, row_nodes, column_nodes):
            position = _position(node, other, row_nodes)
            if position == bridge:
                continue
            row, column = position
            margin = row == row_nodes - 1 or column == column_nodes - 1
            step = (0, 0, 0) if position in withheld else _cost(grid[row][column], margin)
            reached = (cost[0] + step[0], cost[1] + step[1], cost[2] + step[2])
            if other not in best or reached < best[other]:
                best[other] = reached
                previous[other] = node
                heapq.heappush(queue, (reached, other))
    path: set[Position] = set()
    node = goal
    while node != start:
        position = _position(previous[node], node, row_nodes)
        if position not in withheld:
            path.add(position)
        node = previous[node]
    return path


def _other_side(node: int, row_nodes: int, column_nodes: int) -> range:
    if node < row_nodes:
        return range(row_nodes, row_nodes + column_nodes)
    return range(row_nodes)


def _position(node: int, other: int, row_nodes: int) -> Position:
    row, column = min(node, other), max(node, other)
    return row, column - row_nodes
