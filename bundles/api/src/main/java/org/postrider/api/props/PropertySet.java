package org.postrider.api.props;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An immutable set of properties, in ascending order of id: at most {@link #MAX_PROPERTIES},
 * one property per id (MAPI has one value per id on an object, whatever its type).
 */
public final class PropertySet {
    /** The most properties a set may have. */
    public static final int MAX_PROPERTIES = 4096;
    public static final PropertySet EMPTY = new PropertySet(List.of());

    private final List<Property> properties;

    private PropertySet(List<Property> sorted) {
        this.properties = sorted;
    }

    /** The set of these properties; an exception on a duplicate id or past the bound. */
    public static PropertySet of(Collection<Property> properties) {
        if (properties.size() > MAX_PROPERTIES) {
            throw new IllegalArgumentException("too many properties: " + properties.size());
        }
        List<Property> sorted = new ArrayList<>(properties);
        sorted.sort(Comparator.comparingInt(p -> p.tag().id()));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).tag().id() == sorted.get(i - 1).tag().id()) {
                throw new IllegalArgumentException(String.format("duplicate property id 0x%04X", sorted.get(i).tag().id()));
            }
        }
        return new PropertySet(List.copyOf(sorted));
    }

    public static PropertySet of(Property... properties) {
        return of(List.of(properties));
    }

    /** The properties in ascending order of id. */
    public List<Property> properties() {
        return properties;
    }

    public int size() {
        return properties.size();
    }

    /** The value of that tag (id and type), if the set has it. */
    public Optional<PropValue> get(PropTag tag) {
        int lo = 0;
        int hi = properties.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Property p = properties.get(mid);
            if (p.tag().id() < tag.id()) {
                lo = mid + 1;
            } else if (p.tag().id() > tag.id()) {
                hi = mid - 1;
            } else {
                return p.tag().type() == tag.type() ? Optional.of(p.value()) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** An inline text value of that tag. */
    public Optional<String> text(PropTag tag) {
        return get(tag).filter(PropValue.Text.class::isInstance).map(v -> ((PropValue.Text) v).value());
    }

    /** A PT_LONG value of that tag. */
    public Optional<Integer> int32(PropTag tag) {
        return get(tag).filter(PropValue.Int32.class::isInstance).map(v -> ((PropValue.Int32) v).value());
    }

    /** The set with that property added, or replacing the one of its id. */
    public PropertySet with(Property p) {
        List<Property> out = new ArrayList<>(properties.size() + 1);
        for (Property q : properties) {
            if (q.tag().id() != p.tag().id()) {
                out.add(q);
            }
        }
        out.add(p);
        return of(out);
    }

    /** The set without the property of that id. */
    public PropertySet without(int id) {
        return new PropertySet(properties.stream().filter(p -> p.tag().id() != id).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropertySet s && s.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return properties.hashCode();
    }

    @Override
    public String toString() {
        return properties.toString();
    }
}
